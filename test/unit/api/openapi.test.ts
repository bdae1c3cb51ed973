import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "../../../functions/api/openapi-document.js";
import { API_ROUTES } from "../../../functions/api/route-list.js";
import { mountRoutes } from "../../../functions/api/router.js";
import { requestJsonSchema } from "../../../functions/core/schema/request-json-schema.js";
import { createTestApi } from "./test-api.js";

// biome-ignore lint/suspicious/noExplicitAny: walking an arbitrary JSON document
type Any = any;

/** Every `$ref` in the document, with the JSON pointer it names. */
function refs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const v of node) refs(v, found);
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") found.push(v);
      else refs(v, found);
    }
  }
  return found;
}

function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  return ref
    .slice(2)
    .split("/")
    .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
}

describe("GET /v1/openapi.json", () => {
  it("serves an OpenAPI 3.1 document without an API key, on both bases", async () => {
    const api = createTestApi();
    for (const path of ["/v1/openapi.json", "/api/v1/openapi.json"]) {
      const res = await api.call({ path, auth: false });
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toBe("application/json");
      expect(res.json.openapi).toBe("3.1.0");
      expect(res.json.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    }
  });

  const doc: Any = buildOpenApiDocument(API_ROUTES, "1.2.3");
  // Every (method, path) the router answers, aliases included.
  const ROUTES = mountRoutes(API_ROUTES);

  it("describes every route of the router, each documented, with unique operation ids", () => {
    const ids: string[] = [];
    for (const route of ROUTES) {
      const op = doc.paths[route.pattern]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.pattern}`).toBeDefined();
      expect(op["x-undocumented"], `${route.method} ${route.pattern} is marked undocumented`).toBe(undefined);
      expect(Object.keys(op.responses).length).toBeGreaterThan(0);
      ids.push(op.operationId);
      // Public routes opt out of the global security requirement; ours inherit it; VideoCraft's
      // list the four forms its server accepts.
      expect(op.security).toEqual(
        route.definition.public
          ? []
          : op.tags[0] === "videocraft"
            ? [{ bearer: [] }, { rawAuthorization: [] }, { apiKey: [] }, { apiKeyQuery: [] }]
            : undefined,
      );
      // Each {param} of the path is declared as a required path parameter.
      for (const [, name] of route.pattern.matchAll(/\{(\w+)\}/g)) {
        expect(op.parameters).toContainEqual(expect.objectContaining({ name, in: "path", required: true }));
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(documented.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.pattern}`).sort());
  });

  it("takes the request body schema from the validator's JSON Schema and resolves every $ref", () => {
    const { $schema: _dialect, ...body } = requestJsonSchema();
    expect(doc.components.schemas.VideoRequest).toEqual(body);
    expect(doc.paths["/v1/videos"].post.requestBody.content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/VideoRequest",
    });
    expect(doc.jsonSchemaDialect).toBe("https://json-schema.org/draft/2020-12/schema");
    for (const ref of refs(doc)) expect(resolvePointer(doc, ref), ref).toBeDefined();
  });

  it("documents the job view, the error envelope, security schemes and the webhook", () => {
    const { schemas, securitySchemes } = doc.components;
    expect(schemas.Job.properties.status.enum).toEqual([
      "queued",
      "processing",
      "completed",
      "failed",
      "cancelled",
    ]);
    expect(schemas.Error.properties.error.required).toEqual(["code", "message", "request_id"]);
    expect(securitySchemes.apiKey).toEqual({ type: "apiKey", in: "header", name: "x-api-key" });
    expect(doc.webhooks.jobFinished.post.requestBody.content["application/json"].schema.$ref).toBe(
      "#/components/schemas/WebhookPayload",
    );
    expect(doc.info.version).toBe("1.2.3");
  });

  it("documents VideoCraft's routes under their own tag, with VideoCraft's error body and download media", () => {
    const vc = ROUTES.filter((r) => r.pattern.startsWith("/api/v1/") || !r.pattern.startsWith("/v1/"));
    const ours = [
      "/api/v1/schema",
      "/api/v1/openapi.json",
      "/api/v1/metrics",
      "/studio",
      "/studio/assets/{file}",
    ];
    for (const route of vc.filter((r) => !ours.includes(r.pattern))) {
      const op = doc.paths[route.pattern][route.method.toLowerCase()];
      expect(op.tags, `${route.method} ${route.pattern}`).toEqual(["videocraft"]);
    }
    expect(doc.tags.map((t: { name: string }) => t.name)).toContain("videocraft");
    const create = doc.paths["/api/v1/videos"].post;
    expect(create.responses["400"].content["application/json"].schema.$ref).toBe(
      "#/components/schemas/VideoCraftError",
    );
    expect(doc.paths["/api/v1/download/{id}"].get.responses["200"].content).toHaveProperty("video/mp4");
    expect(doc.components.securitySchemes.apiKeyQuery).toEqual(
      expect.objectContaining({ type: "apiKey", in: "query", name: "api_key" }),
    );
  });
});
