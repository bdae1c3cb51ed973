import { z } from "zod";
import type { RouteDefinition } from "../../define-route.js";
import { json, redirect } from "../../http-response.js";
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
 * the published OpenAPI document does. A browser opening the server's address (it asks for HTML
 * and not JSON) is sent to the studio instead, where one is served; API clients, which ask for
 * JSON or send no Accept at all, keep the listing.
 */
export function videoCraftRootRoute(routes: () => readonly RouteDefinition[]): RouteDefinition {
  return defineVideoCraftRoute({
    method: "GET",
    path: "/",
    public: true,
    doc: {
      summary: "What this API serves, as VideoCraft's root lists it (no key)",
      responses: {
        200: { description: "the listing", body: videoCraftIndexSchema },
        302: {
          description: "to the studio, for a browser (Accept names text/html and no JSON)",
          headers: { Location: "the studio's page" },
        },
      },
    },
    handle: async (req, deps) => {
      if (deps.config.studioDir && wantsPage(req.headers.accept)) {
        const toStudio = redirect(`${req.basePath}/studio`);
        return { ...toStudio, headers: { ...toStudio.headers, ...VARY } };
      }
      const endpoints = Object.fromEntries(
        mountRoutes(routes()).map((r) => [`${r.method} ${r.pattern}`, r.definition.doc.summary]),
      );
      return json(
        200,
        {
          name: "VideoCraft Serverless API",
          description: "JSON scenes to MP4; VideoCraft's API under /api/v1, ours under /v1",
          version: deps.config.version,
          documentation: "/v1/openapi.json",
          endpoints,
        } satisfies z.infer<typeof videoCraftIndexSchema>,
        VARY,
      );
    },
  });
}

/** The answer depends on Accept: a cache must not hand a browser's redirect to an API client. */
const VARY = { vary: "accept" };

const wantsPage = (accept: string | undefined) => {
  const types = (accept ?? "").toLowerCase();
  return types.includes("text/html") && !types.includes("json");
};
