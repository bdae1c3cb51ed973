import { describe, expect, it } from "vitest";
import { API_KEY, createTestApi } from "./test-api.js";

describe("API auth", () => {
  it("refuses a request without a key", async () => {
    const api = createTestApi();
    const res = await api.call({ path: "/v1/jobs", auth: false });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("UNAUTHORIZED");
    expect(res.headers["WWW-Authenticate"]).toContain("Bearer");
  });

  it("refuses a wrong key, whatever its length", async () => {
    const api = createTestApi();
    for (const key of ["nope", `${API_KEY}x`, "k".repeat(19)]) {
      const res = await api.call({ path: "/v1/jobs", auth: false, headers: { "x-api-key": key } });
      expect(res.status).toBe(401);
      expect(res.json.error.message).not.toContain(key);
    }
  });

  it("accepts the key as x-api-key (any header case) or as a Bearer token", async () => {
    const api = createTestApi();
    expect(
      (await api.call({ path: "/v1/jobs", auth: false, headers: { "X-Api-Key": API_KEY } })).status,
    ).toBe(200);
    expect(
      (await api.call({ path: "/v1/jobs", auth: false, headers: { Authorization: `Bearer ${API_KEY}` } }))
        .status,
    ).toBe(200);
    const basic = await api.call({
      path: "/v1/jobs",
      auth: false,
      headers: { Authorization: `Basic ${API_KEY}` },
    });
    expect(basic.status).toBe(401);
  });

  it("keeps /v1 to header forms: no raw Authorization, no key in the URL", async () => {
    const api = createTestApi();
    const raw = await api.call({ path: "/v1/jobs", auth: false, headers: { Authorization: API_KEY } });
    expect(raw.status).toBe(401);
    const query = await api.call({ path: "/v1/jobs", auth: false, query: { api_key: API_KEY } });
    expect(query.status).toBe(401);
    expect(query.json.error.message).toContain("x-api-key or Authorization: Bearer");
  });

  it("accepts every configured key (VIDEOCRAFT_API_KEYS) and still refuses others", async () => {
    const extra = ["e".repeat(16), "f".repeat(30)];
    const api = createTestApi({ env: { VIDEOCRAFT_API_KEYS: extra.join(", ") } });
    for (const key of [API_KEY, ...extra]) {
      expect((await api.call({ path: "/v1/jobs", auth: false, headers: { "x-api-key": key } })).status).toBe(
        200,
      );
    }
    expect(
      (await api.call({ path: "/v1/jobs", auth: false, headers: { "x-api-key": "g".repeat(16) } })).status,
    ).toBe(401);
  });

  it("answers health without a key", async () => {
    const api = createTestApi();
    const res = await api.call({ path: "/v1/health", auth: false });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: "ok", version: api.config.version });
    expect(res.headers["content-type"]).toBe("application/json");
  });

  it("leaves auth to API Gateway in gateway mode", async () => {
    const api = createTestApi({ env: { VIDEOCRAFT_AUTH: "gateway" } });
    expect((await api.call({ path: "/v1/jobs", auth: false, apiKeyId: "abc123" })).status).toBe(200);
  });

  it("never logs the key", async () => {
    const api = createTestApi();
    await api.call({ path: "/v1/jobs" });
    await api.call({ path: "/v1/jobs", auth: false, headers: { Authorization: `Bearer ${API_KEY}` } });
    expect(JSON.stringify(api.log.lines)).not.toContain(API_KEY);
  });
});
