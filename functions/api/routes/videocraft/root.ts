import { z } from "zod";
import type { RouteDefinition } from "../../define-route.js";
import { json } from "../../http-response.js";
import { mountRoutes } from "../../router.js";
import { defineVideoCraftRoute } from "../../videocraft/define-videocraft-route.js";

export const videoCraftIndexSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    version: z.string(),
    documentation: z.string().meta({ description: "path of the OpenAPI document" }),
    endpoints: z.record(z.string(), z.string()).meta({ description: "`METHOD /path` → what it does" }),
  })
  .meta({ id: "VideoCraftIndex" });

/**
 * `GET /` lists the API as VideoCraft's root does, built from the route list (handed in, as for
 * the OpenAPI route) so it cannot name a route that is not served. Public: it reveals only what
 * the published OpenAPI document does.
 */
export function videoCraftRootRoute(routes: () => readonly RouteDefinition[]): RouteDefinition {
  return defineVideoCraftRoute({
    method: "GET",
    path: "/",
    public: true,
    doc: {
      summary: "What this API serves, as VideoCraft's root lists it (no key)",
      responses: { 200: { description: "the listing", body: videoCraftIndexSchema } },
    },
    handle: async (_req, deps) => {
      const endpoints = Object.fromEntries(
        mountRoutes(routes()).map((r) => [`${r.method} ${r.pattern}`, r.definition.doc.summary]),
      );
      return json(200, {
        name: "VideoCraft Serverless API",
        description: "JSON scenes to MP4; VideoCraft's API under /api/v1, ours under /v1",
        version: deps.config.version,
        documentation: "/v1/openapi.json",
        endpoints,
      } satisfies z.infer<typeof videoCraftIndexSchema>);
    },
  });
}
