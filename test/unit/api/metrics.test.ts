import { describe, expect, it } from "vitest";
import { createTestApi, NOW } from "./test-api.js";

/** A clock the test moves. */
function movableClock(start = NOW) {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe("GET /v1/metrics", () => {
  it("answers request and job percentiles, counts, failures by code, active and queued jobs", async () => {
    const clock = movableClock();
    const api = createTestApi({ clock });
    // An hour ago: outside a 15m period, inside 24h.
    api.metrics.record("jobSeconds", 1000);
    api.metrics.record("jobFailures", 1, { Code: "RENDER_FAILED" });
    clock.advance(3600_000);

    await api.createJob();
    await api.createJob();
    for (const s of [10, 20, 30, 40]) api.metrics.record("jobSeconds", s);
    api.metrics.record("jobFailures", 1, { Code: "TIMEOUT" });
    api.metrics.record("jobFailures", 1, { Code: "TIMEOUT" });
    api.metrics.record("jobFailures", 1, { Code: "SOURCE_UNREACHABLE" });
    api.metrics.record("activeJobs", 1);
    api.metrics.record("activeJobs", 1);

    const res = await api.call({ path: "/v1/metrics", query: { period: "15m" } });
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    const body = res.json;
    expect(body).toMatchObject({
      period: "15m",
      to: clock.now().toISOString(),
      from: new Date(clock.now().getTime() - 15 * 60_000).toISOString(),
      jobs: {
        p50_s: 20,
        p95_s: 40,
        completed: 4,
        failed: 3,
        failures_by_code: { TIMEOUT: 2, SOURCE_UNREACHABLE: 1 },
      },
      active_jobs: 2,
      queued_jobs: 2,
    });
    // The two creates were timed by the request middleware (this request is recorded after it answers).
    expect(body.requests.count).toBe(2);
    expect(body.requests.p50_ms).toBeGreaterThanOrEqual(0);
    expect(body.requests.p95_ms).toBeGreaterThanOrEqual(body.requests.p50_ms);

    const day = await api.call({ path: "/api/v1/metrics", query: { period: "24h" } });
    expect(day.status).toBe(200);
    expect(day.json.jobs).toMatchObject({ completed: 5, failed: 4, p95_s: 1000 });
    expect(day.json.jobs.failures_by_code).toEqual({ TIMEOUT: 2, SOURCE_UNREACHABLE: 1, RENDER_FAILED: 1 });
    expect(day.json.requests.count).toBe(3);
  });

  it("defaults to one hour and reports nulls before anything was recorded", async () => {
    const api = createTestApi();
    const res = await api.call({ path: "/v1/metrics" });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      period: "1h",
      from: new Date(NOW.getTime() - 3600_000).toISOString(),
      to: NOW.toISOString(),
      requests: { p50_ms: null, p95_ms: null, count: 0 },
      jobs: { p50_s: null, p95_s: null, completed: 0, failed: 0, failures_by_code: {} },
      active_jobs: 0,
      queued_jobs: 0,
    });
  });

  it.each(["0m", "15d", "15", "1w", "abc", "-1h", "1.5h", ""])(
    "rejects period=%j with VALIDATION_FAILED",
    async (period) => {
      const api = createTestApi();
      const res = await api.call({ path: "/v1/metrics", query: { period } });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe("VALIDATION_FAILED");
      expect(res.json.error.details).toEqual([{ path: "period", message: expect.stringContaining("14d") }]);
    },
  );

  it("accepts the longest period, 14 days", async () => {
    const api = createTestApi();
    expect((await api.call({ path: "/v1/metrics", query: { period: "14d" } })).status).toBe(200);
    expect((await api.call({ path: "/v1/metrics", query: { period: "336h" } })).status).toBe(200);
  });

  it("needs an API key", async () => {
    const api = createTestApi();
    const res = await api.call({ path: "/v1/metrics", auth: false });
    expect(res.status).toBe(401);
  });

  it("times every request into RequestDuration, errors included", async () => {
    const api = createTestApi();
    await api.call({ path: "/v1/health", auth: false });
    await api.call({ path: "/v1/nope" });
    await api.call({ path: "/v1/jobs", auth: false });
    const res = await api.call({ path: "/v1/metrics" });
    expect(res.json.requests.count).toBe(3);
  });
});
