import { z } from "zod";
import { defineRoute, type RouteDefinition } from "../define-route.js";
import { json } from "../http-response.js";
import { buildOpenApiDocument } from "../openapi-document.js";

/**
 * The OpenAPI 3.1 document of `documented()` (the route list, which holds this route too: it is
 * handed in rather than imported, so the list and this file do not import each other). Public
 * like health: it is the published contract.
 */
export function openApiRoute(documented: () => readonly RouteDefinition[]): RouteDefinition {
  let cached: { version: string; body: Record<string, unknown> } | undefined;
  return defineRoute({
    method: "GET",
    path: "/v1/openapi.json",
    aliases: ["/api/v1/openapi.json"],
    public: true,
    doc: {
      tag: "meta",
      summary: "This OpenAPI 3.1 document (no auth)",
      responses: { 200: { description: "the document", body: z.looseObject({}) } },
    },
    handle: async (_req, deps) => {
      const version = deps.config.version;
      if (cached?.version !== version)
        cached = { version, body: buildOpenApiDocument(documented(), version) };
      return json(200, cached.body, { "cache-control": "public, max-age=300" });
    },
  });
}
