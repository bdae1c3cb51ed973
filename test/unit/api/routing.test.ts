import { describe, expect, it } from "vitest";
import { InMemoryObjectStore } from "../../../functions/core/ports/in-memory-object-store.js";
import { createTestApi, minimalProject } from "./test-api.js";

class BrokenStore extends InMemoryObjectStore {
  override async list(): Promise<never> {
    throw new Error("S3 exploded: secret-bucket-detail");
  }
}

describe("routing and errors", () => {
  it("is 404 NOT_FOUND for an unknown route, with the request id", async () => {
    const api = createTestApi();
    const res = await api.call({ path: "/v2/videos", requestId: "req-123" });
    expect(res.status).toBe(404);
    expect(res.json.error).toMatchObject({ code: "NOT_FOUND", request_id: "req-123" });
    expect(res.headers["x-request-id"]).toBe("req-123");
    expect(res.headers["content-type"]).toBe("application/json");
  });

  it("is 405 with Allow for a known path and the wrong method", async () => {
    const api = createTestApi();
    const res = await api.call({ method: "PUT", path: "/v1/videos" });
    expect(res.status).toBe(405);
    expect(res.json.error.code).toBe("METHOD_NOT_ALLOWED");
    expect(res.headers.Allow).toBe("POST");
    const byId = await api.call({ method: "POST", path: "/api/v1/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV" });
    expect(byId.headers.Allow).toBe("GET, DELETE");
  });

  it("tolerates a trailing slash", async () => {
    const api = createTestApi();
    expect((await api.call({ path: "/v1/jobs/" })).status).toBe(200);
  });

  it("hides an unexpected error behind a generic 500 and logs it", async () => {
    const api = createTestApi({ store: new BrokenStore() });
    const res = await api.call({ path: "/v1/jobs" });
    expect(res.status).toBe(500);
    expect(res.json.error.code).toBe("INTERNAL");
    expect(res.json.error.request_id).toBe(res.headers["x-request-id"]);
    expect(res.text).not.toContain("exploded");
    expect(res.text).not.toContain("at ");
    expect(res.json.error).not.toHaveProperty("details");
    const logged = api.log.lines.find((l) => l.level === "error")?.extra as { error: Error } | undefined;
    expect(logged?.error.message).toContain("exploded");
  });

  it("logs one line per request with method, route pattern, status and duration, never the body", async () => {
    const api = createTestApi();
    const id = await api.createJob({ ...minimalProject(), comment: "top-secret-comment" });
    await api.call({ path: `/v1/jobs/${id}` });
    const lines = api.log.lines.filter((l) => l.message === "request");
    expect(lines).toHaveLength(2);
    const extra = lines[1]?.extra as Record<string, unknown>;
    expect(extra).toMatchObject({ method: "GET", route: "/v1/jobs/{id}", status: 200 });
    expect(typeof extra.duration_ms).toBe("number");
    expect(JSON.stringify(api.log.lines)).not.toContain("top-secret-comment");
  });

  it("uses a generated request id when API Gateway gives none", async () => {
    const api = createTestApi();
    const res = await api.call({ path: "/v1/health", requestId: "" });
    expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("GET /v1/schema", () => {
  it("serves the request JSON Schema, accepting hyphenated keys", async () => {
    const api = createTestApi();
    const res = await api.call({ path: "/v1/schema" });
    expect(res.status).toBe(200);
    expect(res.json.$schema).toContain("json-schema.org");
    expect(res.json.title).toBeTruthy();
    const text = res.text;
    expect(text).toContain('"z-index"');
    expect(text).toContain('"z_index"');
    expect(text).toContain('"font-size"');
    expect(text).toContain('"background-color"');
    const project = res.json.anyOf[0];
    expect(project.properties).toHaveProperty("background-color");
    expect(project.properties).toHaveProperty("background_color");
    expect(project.additionalProperties).toBe(false);
    expect((await api.call({ path: "/api/v1/schema" })).status).toBe(200);
  });
});
