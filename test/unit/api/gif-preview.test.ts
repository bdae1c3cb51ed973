import { describe, expect, it } from "vitest";
import { storageKeys } from "../../../functions/core/jobs/storage-keys.js";
import { createTestApi } from "./test-api.js";

describe("a job's GIF preview", () => {
  it("has its own presigned link in the job view and is deleted with the video", async () => {
    const api = createTestApi();
    const id = await api.createJob();
    await api.store.putText(storageKeys.video(id), "mp4", "video/mp4");
    await api.store.putText(storageKeys.gifPreview(id), "gif", "image/gif");
    await api.setStatus(id, {
      status: "completed",
      progress: 100,
      step: "done",
      output: { video_key: storageKeys.video(id), gif_key: storageKeys.gifPreview(id), bytes: 3 },
    });
    const view = await api.call({ path: `/v1/jobs/${id}` });
    expect(view.json.gif_url).toContain(`videos/${id}.gif`);
    expect(view.json.video_url).toContain(`videos/${id}.mp4`);

    expect((await api.call({ method: "DELETE", path: `/v1/videos/${id}` })).status).toBe(204);
    expect(await api.store.exists(storageKeys.gifPreview(id))).toBe(false);
    expect(await api.store.exists(storageKeys.video(id))).toBe(false);
    expect((await api.call({ path: `/v1/jobs/${id}` })).json.gif_url).toBeUndefined();
  });

  it("is absent from a job that asked for none", async () => {
    const api = createTestApi();
    const id = await api.createJob();
    await api.store.putText(storageKeys.video(id), "mp4", "video/mp4");
    await api.setStatus(id, { status: "completed", progress: 100, step: "done" });
    expect((await api.call({ path: `/v1/jobs/${id}` })).json.gif_url).toBeUndefined();
  });
});
