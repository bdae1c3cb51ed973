import { describe, expect, it } from "vitest";
import { CORS_ALLOW_HEADERS } from "../../../functions/api/cors-headers.js";
import { createTestApi } from "./test-api.js";

describe("CORS", () => {
  it("stamps Access-Control-Allow-Origin * and the exposed headers on every response, errors included", async () => {
    const api = createTestApi();
    const responses = [
      await api.call({ path: "/v1/health", auth: false }),
      await api.call({ method: "POST", path: "/v1/videos", body: { scenes: [] } }),
      await api.call({ path: "/v1/jobs", auth: false }),
      await api.call({ path: "/v1/nowhere" }),
      await api.call({ method: "PUT", path: "/v1/jobs" }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 400, 401, 404, 405]);
    for (const res of responses) {
      expect(res.headers["Access-Control-Allow-Origin"]).toBe("*");
      expect(res.headers["Access-Control-Expose-Headers"]).toBe(
        "x-request-id, location, content-length, content-disposition",
      );
      expect(res.headers.Vary).toBeUndefined();
      expect(res.headers["x-request-id"]).toBeTruthy();
    }
  });

  it("answers a preflight with 204 and the allowed methods and headers, without an API key", async () => {
    const api = createTestApi();
    const res = await api.call({
      method: "OPTIONS",
      path: "/v1/jobs/01JNCWJ9M6T0V2XKZB1S6H7Q8R",
      auth: false,
      headers: { Origin: "https://app.example.com", "Access-Control-Request-Method": "DELETE" },
    });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect(res.headers["Access-Control-Allow-Origin"]).toBe("*");
    expect(res.headers["Access-Control-Allow-Methods"]).toBe("GET, DELETE, OPTIONS");
    expect(res.headers["Access-Control-Allow-Headers"]).toBe(CORS_ALLOW_HEADERS.join(", "));
    expect(res.headers["Access-Control-Max-Age"]).toBe("3600");
    expect(res.headers["x-request-id"]).toBeTruthy();
    // It is logged like any request.
    expect(api.log.lines.at(-1)).toMatchObject({
      message: "request",
      extra: { method: "OPTIONS", status: 204, route: "(cors preflight)" },
    });
  });

  it("does not invent routes: OPTIONS on an unknown path is a 404", async () => {
    const api = createTestApi();
    const res = await api.call({ method: "OPTIONS", path: "/v1/nowhere", auth: false });
    expect(res.status).toBe(404);
    expect(res.headers["Access-Control-Allow-Origin"]).toBe("*");
  });

  it("with VIDEOCRAFT_CORS_ORIGIN set, echoes an allowed Origin, else the first one, and varies on Origin", async () => {
    const api = createTestApi({
      env: { VIDEOCRAFT_CORS_ORIGIN: "https://app.example.com, https://admin.example.com" },
    });
    const allowed = await api.call({ path: "/v1/health", headers: { Origin: "https://admin.example.com" } });
    expect(allowed.headers["Access-Control-Allow-Origin"]).toBe("https://admin.example.com");
    expect(allowed.headers.Vary).toBe("Origin");
    const other = await api.call({ path: "/v1/health", headers: { Origin: "https://evil.example" } });
    expect(other.headers["Access-Control-Allow-Origin"]).toBe("https://app.example.com");
    const none = await api.call({ path: "/v1/health" });
    expect(none.headers["Access-Control-Allow-Origin"]).toBe("https://app.example.com");
  });

  it("rejects a malformed VIDEOCRAFT_CORS_ORIGIN at start-up, naming it", () => {
    expect(() => createTestApi({ env: { VIDEOCRAFT_CORS_ORIGIN: "not a url" } })).toThrow(
      /VIDEOCRAFT_CORS_ORIGIN/,
    );
  });
});
