import { z } from "zod";
import { defineRoute } from "../define-route.js";
import { json } from "../http-response.js";

export const healthSchema = z.object({ status: z.literal("ok"), version: z.string() }).meta({ id: "Health" });
export type Health = z.infer<typeof healthSchema>;

/** No auth and no storage call, so load balancers and uptime checks stay cheap. */
export const healthRoute = defineRoute({
  method: "GET",
  path: "/v1/health",
  public: true,
  doc: {
    tag: "meta",
    summary: "Liveness and version (no auth)",
    responses: { 200: { description: "ok", body: healthSchema } },
  },
  handle: async (_req, deps) => json(200, { status: "ok", version: deps.config.version } satisfies Health),
});
