import { describe, expect, it } from "vitest";
import { storageKeys } from "../../../functions/core/jobs/storage-keys.js";
import { createTestApi } from "./test-api.js";

describe("GET /v1/jobs/{id}", () => {
  it("shows the public view of a job and hides internal fields", async () => {
    const api = createTestApi();
    const id = await api.createJob();
    await api.setStatus(id, {
      status: "processing",
      progress: 40,
      step: "rendering",
      attempts: 2,
      started_at: "x",
    });
    const res = await api.call({ path: `/v1/jobs/${id}` });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      id,
      status: "processing",
      progress: 40,
      step: "rendering",
      started_at: "x",
      warnings: [],
    });
    expect(res.json).not.toHaveProperty("attempts");
    expect(res.json).not.toHaveProperty("updated_at");
    expect(res.json).not.toHaveProperty("video_url");
  });

  it("gives a completed job a presigned video_url with expires_at, never output keys", async () => {
    const api = createTestApi();
    const id = await api.createJob();
    await api.store.putText(storageKeys.video(id), "mp4", "video/mp4");
    await api.setStatus(id, {
      status: "completed",
      progress: 100,
      step: "done",
      duration_seconds: 2,
      output: { video_key: storageKeys.video(id), poster_key: storageKeys.poster(id), bytes: 3 },
    });
    const res = await api.call({ path: `/v1/jobs/${id}` });
    expect(res.json.video_url).toContain(storageKeys.video(id));
    expect(Date.parse(res.json.expires_at)).toBe(
      api.clock.now().getTime() + api.config.presignExpiresSeconds * 1000,
    );
    expect(res.json).not.toHaveProperty("output");
    expect(res.json.duration_seconds).toBe(2);
  });

  it("is 404 for an unknown or malformed id, and takes a lower-cased id", async () => {
    const api = createTestApi();
    const id = await api.createJob();
    expect((await api.call({ path: "/v1/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV" })).status).toBe(404);
    const bad = await api.call({ path: "/v1/jobs/..%2F..%2Fsecret" });
    expect(bad.status).toBe(404);
    expect(bad.json.error.code).toBe("NOT_FOUND");
    expect((await api.call({ path: `/v1/jobs/${id.toLowerCase()}` })).json.id).toBe(id);
  });
});

describe("GET /v1/jobs", () => {
  it("lists newest first with limit, cursor and a status filter", async () => {
    const api = createTestApi();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await api.createJob());
    await api.setStatus(ids[1] as string, { status: "failed" });
    await api.setStatus(ids[3] as string, { status: "failed" });
    const newest = [...ids].reverse();

    const page1 = await api.call({ path: "/v1/jobs", query: { limit: "2" } });
    expect(page1.json.jobs.map((j: { id: string }) => j.id)).toEqual(newest.slice(0, 2));
    expect(page1.json.next_cursor).toBe(newest[1]);
    const page2 = await api.call({ path: "/v1/jobs", query: { limit: "2", cursor: page1.json.next_cursor } });
    expect(page2.json.jobs.map((j: { id: string }) => j.id)).toEqual(newest.slice(2, 4));
    const page3 = await api.call({ path: "/v1/jobs", query: { limit: "2", cursor: page2.json.next_cursor } });
    expect(page3.json.jobs.map((j: { id: string }) => j.id)).toEqual(newest.slice(4));
    expect(page3.json).not.toHaveProperty("next_cursor");

    const failed = await api.call({ path: "/v1/jobs", query: { status: "failed" } });
    expect(failed.json.jobs.map((j: { id: string }) => j.id)).toEqual([ids[3], ids[1]]);
    const all = await api.call({ path: "/v1/jobs" });
    expect(all.json.jobs).toHaveLength(5);
    expect(all.json).not.toHaveProperty("next_cursor");
  });

  it("does not list idempotency reservations as jobs", async () => {
    const api = createTestApi();
    await api.call({
      method: "POST",
      path: "/v1/videos",
      body: JSON.stringify({
        scenes: [{ duration: 1, elements: [{ type: "image", src: "https://e.com/a.png" }] }],
      }),
      headers: { "Idempotency-Key": "a" },
    });
    const res = await api.call({ path: "/v1/jobs" });
    expect(res.json.jobs).toHaveLength(1);
  });

  it("refuses bad query parameters, naming each", async () => {
    const api = createTestApi();
    const res = await api.call({ path: "/v1/jobs", query: { limit: "0", status: "done", cursor: "zzz" } });
    expect(res.status).toBe(400);
    expect(res.json.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      "cursor",
      "limit",
      "status",
    ]);
    expect((await api.call({ path: "/v1/jobs", query: { limit: "101" } })).status).toBe(400);
  });
});

describe("DELETE /v1/jobs/{id}", () => {
  it("cancels a queued job at once and leaves a marker for the worker", async () => {
    const api = createTestApi();
    const id = await api.createJob();
    const res = await api.call({ method: "DELETE", path: `/v1/jobs/${id}` });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ id, status: "cancelled", error: { code: "CANCELLED" } });
    expect(res.json.finished_at).toBe(api.clock.now().toISOString());
    expect(await api.store.exists(storageKeys.cancel(id))).toBe(true);
    expect((await api.call({ path: `/v1/jobs/${id}` })).json.status).toBe("cancelled");
  });

  it("asks a processing job to stop without rewriting its status", async () => {
    const api = createTestApi();
    const id = await api.createJob();
    await api.setStatus(id, { status: "processing", step: "rendering", progress: 30 });
    const res = await api.call({ method: "DELETE", path: `/v1/jobs/${id}` });
    expect(res.status).toBe(202);
    expect(res.json.status).toBe("processing");
    expect(await api.store.exists(storageKeys.cancel(id))).toBe(true);
  });

  it("is 409 for a finished job and 404 for an unknown one", async () => {
    const api = createTestApi();
    const id = await api.createJob();
    await api.setStatus(id, { status: "completed" });
    const res = await api.call({ method: "DELETE", path: `/v1/jobs/${id}` });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe("CONFLICT");
    expect(await api.store.exists(storageKeys.cancel(id))).toBe(false);
    expect((await api.call({ method: "DELETE", path: "/v1/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV" })).status).toBe(
      404,
    );
  });
});
