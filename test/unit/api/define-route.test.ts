import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createApiHandler } from "../../../functions/api/create-api-handler.js";
import { defineRoute, type RouteInit } from "../../../functions/api/define-route.js";
import { type ErrorFormat, standardErrors } from "../../../functions/api/error-format.js";
import { json } from "../../../functions/api/http-response.js";
import { buildOpenApiDocument } from "../../../functions/api/openapi-document.js";
import { API_ROUTES } from "../../../functions/api/route-list.js";
import { createRouter } from "../../../functions/api/router.js";
import { loadConfig } from "../../../functions/core/config.js";
import { ConflictError, NotFoundError, ValidationError } from "../../../functions/core/errors.js";
import { InMemoryObjectStore } from "../../../functions/core/ports/in-memory-object-store.js";
import { InProcessMetrics } from "../../../functions/core/ports/in-process-metrics.js";
import { apiDeps } from "../../../functions/wiring.js";
import { apiEvent, lambdaContext } from "../../support/api-event.js";
import { API_KEY, MemoryLog, MemoryQueue, minimalProject, NOW } from "./test-api.js";

const doc: RouteInit["doc"] = { tag: "meta", summary: "test", responses: { 200: { description: "ok" } } };

/** Another API's error body, as a route serving that API's clients would declare it. */
const flatErrors: ErrorFormat = {
  schema: z.object({ error: z.string(), code: z.string() }).meta({ id: "FlatError" }),
  body: ({ code, message }) => ({ error: message, code }),
};

/** An API over in-memory ports serving `routes` only, with the Lambda's defaults where not overridden. */
function serve(routes: Parameters<typeof createApiHandler>[1], env: Record<string, string> = {}) {
  const config = loadConfig({
    VIDEOCRAFT_BUCKET: "videocraft-test",
    VIDEOCRAFT_QUEUE_URL: "http://127.0.0.1:1/q",
    VIDEOCRAFT_API_KEY: API_KEY,
    ...env,
  });
  const queue = new MemoryQueue();
  const clock = { now: () => NOW };
  const metrics = new InProcessMetrics(clock);
  const deps = apiDeps(
    config,
    { store: new InMemoryObjectStore(), renderQueue: queue, renderQueueDepth: queue },
    { clock, log: new MemoryLog(), metrics, metricsReader: metrics },
  );
  const handler = createApiHandler(deps, routes);
  return async (init: Parameters<typeof apiEvent>[0]) => {
    const res = await handler(apiEvent(init), lambdaContext);
    return {
      status: res.statusCode,
      headers: res.headers ?? {},
      json: res.body ? JSON.parse(res.body) : undefined,
    };
  };
}

describe("defineRoute", () => {
  it("fills in the defaults: keyed, every key form, our error format, no body", () => {
    const route = defineRoute({ method: "GET", path: "/v1/x", doc, handle: async () => json(200, {}) });
    expect(route).toMatchObject({
      aliases: [],
      public: false,
      auth: ["x-api-key", "bearer"],
      json: false,
      errors: standardErrors,
    });
    expect(Object.isFrozen(route)).toBe(true);
  });

  it("refuses a malformed route when it is defined, not on its first request", () => {
    const handle = async () => json(200, {});
    expect(() => defineRoute({ method: "GET", path: "v1/x", doc, handle })).toThrow(/must start with \//);
    expect(() =>
      defineRoute({ method: "GET", path: "/v1/x/{id}", aliases: ["/api/v1/x/{key}"], doc, handle }),
    ).toThrow(/same \{parameters\}/);
    expect(() => defineRoute({ method: "GET", path: "/v1/x", auth: [], doc, handle })).toThrow(
      /no way to send a key/,
    );
  });

  it("lets the router refuse two routes on the same method and path, whatever their parameter names", () => {
    const handle = async () => json(200, {});
    const a = defineRoute({ method: "GET", path: "/v1/x/{id}", doc, handle });
    const b = defineRoute({ method: "GET", path: "/v1/y/{key}", aliases: ["/v1/x/{key}"], doc, handle });
    const c = defineRoute({ method: "DELETE", path: "/v1/x/{key}", doc, handle });
    expect(() => createRouter([a, b])).toThrow("two routes answer GET /v1/x/{key}");
    expect(createRouter([a, c]).match("DELETE", "/v1/x/7")).toMatchObject({
      kind: "found",
      params: { key: "7" },
    });
  });
});

describe("what a route declares", () => {
  const flat = defineRoute({
    method: "GET",
    path: "/compat/things/{id}",
    errors: flatErrors,
    auth: ["bearer"],
    doc: { ...doc, errors: { 404: "no such thing" } },
    handle: async (req) => {
      if (req.params.id === "missing") throw new NotFoundError("no thing missing");
      return json(200, { caller: req.caller });
    },
  });
  const ours = defineRoute({
    method: "POST",
    path: "/v1/things",
    handle: async (req) => {
      if (req.query.kind === "conflict") throw new ConflictError("the thing is busy");
      throw new ValidationError("invalid query parameters", [{ path: "kind", message: "unknown kind" }]);
    },
    doc,
  });
  const call = serve([flat, ours]);
  const bearer = { Authorization: `Bearer ${API_KEY}` };

  it("answers errors in the route's own format, core errors mapped to their HTTP status", async () => {
    const missing = await call({ path: "/compat/things/missing", headers: bearer });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: "no thing missing", code: "NOT_FOUND" });
    const conflict = await call({
      method: "POST",
      path: "/v1/things",
      query: { kind: "conflict" },
      headers: bearer,
    });
    expect(conflict.status).toBe(409);
    expect(conflict.json.error).toMatchObject({ code: "CONFLICT", message: "the thing is busy" });
    const invalid = await call({ method: "POST", path: "/v1/things", headers: bearer });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error).toMatchObject({
      code: "VALIDATION_FAILED",
      details: [{ path: "kind", message: "unknown kind" }],
    });
    // No route matched, so there is no route format to use: ours.
    expect((await call({ path: "/compat/nothing" })).json.error.code).toBe("NOT_FOUND");
  });

  it("accepts the key only in the forms the route lists, and tells the handler who calls", async () => {
    const refused = await call({ path: "/compat/things/1", headers: { "x-api-key": API_KEY } });
    expect(refused.status).toBe(401);
    expect(refused.json.error).toBe("an API key is required (Authorization: Bearer)");
    const ok = await call({ path: "/compat/things/1", headers: bearer });
    expect(ok.status).toBe(200);
    const digest = createHash("sha256").update(API_KEY).digest("hex").slice(0, 16);
    expect(ok.json.caller).toEqual({ principal: `key:${digest}`, via: "bearer" });
  });

  it("documents both: the route's error schema as a component, its narrower key forms as its security", () => {
    const openapi = buildOpenApiDocument([flat, ours], "1") as {
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    const op = openapi.paths["/compat/things/{id}"]?.get;
    expect(op?.security).toEqual([{ bearer: [] }]);
    expect(op?.responses["404"]).toEqual({
      description: "no such thing",
      content: { "application/json": { schema: { $ref: "#/components/schemas/FlatError" } } },
    });
    expect(openapi.components.schemas.FlatError).toMatchObject({ required: ["error", "code"] });
    expect(openapi.paths["/v1/things"]?.post?.security).toBeUndefined();
  });
});

describe("the API's defaults (the Lambda's wiring)", () => {
  it("does not probe dry-run sources, and says so for each source", async () => {
    const call = serve(API_ROUTES);
    const res = await call({
      method: "POST",
      path: "/v1/videos",
      query: { dry_run: "true" },
      headers: { "x-api-key": API_KEY },
      body: minimalProject(),
    });
    expect(res.status).toBe(200);
    const [source] = res.json.projects[0].sources;
    expect(source).toMatchObject({ src: "https://example.com/a.png", status: "not_probed", bytes_read: 0 });
    expect(source.note).toContain("the render checks them");
    expect(res.json.projects[0].problems).toEqual([]);
  });
});
