import { describe, expect, it } from "vitest";
import { storageKeys } from "../../../functions/core/jobs/storage-keys.js";
import { createTestApi } from "./test-api.js";

async function completedJob(api: ReturnType<typeof createTestApi>) {
  const id = await api.createJob();
  await api.store.putText(storageKeys.video(id), "mp4", "video/mp4");
  await api.store.putText(storageKeys.poster(id), "jpg", "image/jpeg");
  await api.setStatus(id, { status: "completed", progress: 100, step: "done" });
  return id;
}

describe("GET /v1/videos/{id}", () => {
  it("redirects to a presigned URL", async () => {
    const api = createTestApi();
    const id = await completedJob(api);
    const res = await api.call({ path: `/v1/videos/${id}` });
    expect(res.status).toBe(302);
    expect(res.headers.Location).toContain(storageKeys.video(id));
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("answers JSON {url, expires_at} when asked for JSON", async () => {
    const api = createTestApi();
    const id = await completedJob(api);
    const res = await api.call({ path: `/v1/videos/${id}`, headers: { Accept: "application/json" } });
    expect(res.status).toBe(200);
    expect(res.json.url).toContain(storageKeys.video(id));
    expect(res.json.expires_at).toBeTruthy();
  });

  it("is 409 naming the status while the job is not completed, 404 when unknown", async () => {
    const api = createTestApi();
    const id = await api.createJob();
    const res = await api.call({ path: `/v1/videos/${id}` });
    expect(res.status).toBe(409);
    expect(res.json.error.message).toContain("queued");
    expect((await api.call({ path: "/v1/videos/01ARZ3NDEKTSV4RRFFQ69G5FAV" })).status).toBe(404);
  });

  it("never logs the presigned URL", async () => {
    const api = createTestApi();
    const id = await completedJob(api);
    await api.call({ path: `/v1/videos/${id}` });
    expect(JSON.stringify(api.log.lines)).not.toContain("memory://");
  });
});

describe("DELETE /v1/videos/{id}", () => {
  it("deletes the video and poster (204); afterwards the video is gone (404) and the job has no link", async () => {
    const api = createTestApi();
    const id = await completedJob(api);
    const res = await api.call({ method: "DELETE", path: `/v1/videos/${id}` });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect(await api.store.exists(storageKeys.video(id))).toBe(false);
    expect(await api.store.exists(storageKeys.poster(id))).toBe(false);
    expect((await api.call({ path: `/v1/videos/${id}` })).status).toBe(404);
    expect((await api.call({ path: `/v1/jobs/${id}` })).json).not.toHaveProperty("video_url");
    expect((await api.call({ method: "DELETE", path: `/v1/videos/${id}` })).status).toBe(204);
  });

  it("is 404 for an unknown job and 409 while the job may still upload", async () => {
    const api = createTestApi();
    expect((await api.call({ method: "DELETE", path: "/v1/videos/01ARZ3NDEKTSV4RRFFQ69G5FAV" })).status).toBe(
      404,
    );
    const id = await api.createJob();
    expect((await api.call({ method: "DELETE", path: `/v1/videos/${id}` })).status).toBe(409);
  });
});
