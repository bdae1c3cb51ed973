import { json } from "../http-response.js";
import { buildOpenApiDocument } from "../openapi-document.js";
import type { RouteHandler } from "../router.js";

let cached: { version: string; body: Record<string, unknown> } | undefined;

/** `GET /v1/openapi.json`: the OpenAPI 3.1 document, public like health (it is the published contract). */
export const openApiRoute: RouteHandler = async (_req, deps) => {
  const version = deps.config.version;
  if (cached?.version !== version) {
    // Imported when first asked for: the router imports this module to build its table.
    const { ROUTES } = await import("../router.js");
    cached = { version, body: buildOpenApiDocument(ROUTES, version) };
  }
  return json(200, cached.body, { "cache-control": "public, max-age=300" });
};
