import { describe, expect, it } from "vitest";
import { JobStore } from "../../../functions/core/jobs/job-store.js";
import { storageKeys } from "../../../functions/core/jobs/storage-keys.js";
import { API_KEY, createTestApi, minimalProject } from "./test-api.js";

/**
 * Every caller sees only its own jobs: another key's job is answered exactly like a job that does
 * not exist (404), on every route that names or lists jobs, in both auth modes.
 */
const KEY_B = "b".repeat(24);

type Api = ReturnType<typeof createTestApi>;
type Caller = Record<string, string>;

/** The two ways of telling callers apart: local keys, or the key id API Gateway resolved. */
const MODES: { name: string; api: () => Api; a: Caller; b: Caller; as: (c: Caller) => object }[] = [
  {
    name: "api-key mode, two local keys",
    api: () => createTestApi({ env: { VIDEOCRAFT_API_KEYS: KEY_B } }),
    a: { "x-api-key": API_KEY },
    b: { "x-api-key": KEY_B },
    as: (c) => ({ headers: c }),
  },
  {
    name: "gateway mode, two API Gateway key ids",
    api: () => createTestApi({ env: { VIDEOCRAFT_AUTH: "gateway" } }),
    a: { apiKeyId: "key-id-a" },
    b: { apiKeyId: "key-id-b" },
    as: (c) => ({ auth: false, apiKeyId: c.apiKeyId }),
  },
];

async function completedJobOf(api: Api, caller: object): Promise<string> {
  const res = await api.call({ method: "POST", path: "/v1/videos", body: minimalProject(), ...caller });
  expect(res.status).toBe(202);
  const id = res.json.id as string;
  await api.store.putText(storageKeys.video(id), "mp4", "video/mp4");
  await api.store.putText(storageKeys.poster(id), "jpg", "image/jpeg");
  await api.setStatus(id, { status: "completed", progress: 100, step: "done" });
  return id;
}

describe.each(MODES)("tenant isolation ($name)", ({ api: make, a, b, as }) => {
  it("lists only the caller's own jobs", async () => {
    const api = make();
    const mine = await completedJobOf(api, as(a));
    const theirs = await completedJobOf(api, as(b));
    for (const path of ["/v1/jobs", "/api/v1/jobs", "/api/v1/videos"]) {
      const listA = await api.call({ path, ...as(a) });
      const listB = await api.call({ path, ...as(b) });
      const ids = (list: typeof listA) =>
        (list.json.jobs ?? list.json.videos).map((j: { id: string }) => j.id);
      expect(ids(listA), path).toEqual([mine]);
      expect(ids(listB), path).toEqual([theirs]);
    }
  });

  it("answers 404 for another caller's job on every route, and leaves the job alone", async () => {
    const api = make();
    const id = await completedJobOf(api, as(a));
    const routes = [
      { method: "GET", path: `/v1/jobs/${id}` },
      { method: "DELETE", path: `/v1/jobs/${id}` },
      { method: "GET", path: `/v1/videos/${id}` },
      { method: "GET", path: `/v1/videos/${id}/poster` },
      { method: "GET", path: `/v1/jobs/${id}/request` },
      { method: "GET", path: `/api/v1/jobs/${id}` },
      { method: "GET", path: `/api/v1/jobs/${id}/status` },
      { method: "GET", path: `/api/v1/status/${id}` },
      { method: "POST", path: `/api/v1/jobs/${id}/cancel` },
      { method: "DELETE", path: `/api/v1/jobs/${id}` },
      { method: "GET", path: `/api/v1/videos/${id}` },
      { method: "GET", path: `/api/v1/videos/${id}/download` },
      { method: "GET", path: `/api/v1/download/${id}` },
      { method: "DELETE", path: `/v1/videos/${id}` },
      { method: "DELETE", path: `/api/v1/videos/${id}` },
    ];
    for (const route of routes) {
      const res = await api.call({ ...route, ...as(b) });
      expect(res.status, `${route.method} ${route.path}`).toBe(404);
      expect(res.json.error?.code ?? res.json.code, `${route.method} ${route.path}`).toMatch(/NOT_FOUND$/);
      expect(res.text).not.toContain("memory://");
    }
    expect(await api.store.exists(storageKeys.video(id))).toBe(true);
    expect(await api.store.exists(storageKeys.cancel(id))).toBe(false);
    // The owner still reaches it (cancelling a completed job is a conflict, not a missing job;
    // deleting the video last, so the routes before it still find it).
    for (const route of routes) {
      expect((await api.call({ ...route, ...as(a) })).status, `${route.method} ${route.path}`).not.toBe(404);
    }
  });

  it("cannot cancel another caller's queued job", async () => {
    const api = make();
    const res = await api.call({ method: "POST", path: "/v1/videos", body: minimalProject(), ...as(a) });
    const id = res.json.id;
    expect((await api.call({ method: "DELETE", path: `/v1/jobs/${id}`, ...as(b) })).status).toBe(404);
    expect((await new JobStore(api.store).getStatus(id))?.status).toBe("queued");
    expect((await api.call({ method: "DELETE", path: `/v1/jobs/${id}`, ...as(a) })).status).toBe(202);
  });

  it("keeps Idempotency-Keys per caller", async () => {
    const api = make();
    const post = (caller: Caller) =>
      api.call({
        method: "POST",
        path: "/v1/videos",
        body: minimalProject(),
        ...as(caller),
        headers: { ...(as(caller) as { headers?: Caller }).headers, "Idempotency-Key": "same" },
      });
    const first = await post(a);
    const other = await post(b);
    expect(other.json.id).not.toBe(first.json.id);
    expect((await post(a)).json.id).toBe(first.json.id);
  });
});

describe("jobs without an owner", () => {
  it("are visible to no caller (they were created before jobs recorded their owner)", async () => {
    const api = createTestApi();
    const id = await api.createJob();
    const jobs = new JobStore(api.store);
    const record = await jobs.getStatus(id);
    if (!record) throw new Error("no record");
    const { owner: _owner, ...legacy } = record;
    await jobs.putStatus(legacy);
    expect((await api.call({ path: `/v1/jobs/${id}` })).status).toBe(404);
    expect((await api.call({ path: "/v1/jobs" })).json.jobs).toEqual([]);
  });
});

describe("gateway mode without a key id", () => {
  it("refuses the request instead of lumping unknown callers together", async () => {
    const api = createTestApi({ env: { VIDEOCRAFT_AUTH: "gateway" } });
    const res = await api.call({ path: "/v1/jobs", auth: false });
    expect(res.status).toBe(401);
  });
});
