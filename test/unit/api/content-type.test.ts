import { describe, expect, it } from "vitest";
import { createTestApi, minimalProject } from "./test-api.js";

describe("request Content-Type", () => {
  const api = createTestApi();
  const post = (contentType: string | undefined, path = "/v1/videos") =>
    api.call({
      method: "POST",
      path,
      body: minimalProject(),
      ...(contentType !== undefined ? { headers: { "Content-Type": contentType } } : {}),
    });

  it.each([
    "text/plain",
    "text/plain; charset=utf-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/xml",
    "application/jsonx",
    "application/json-patch",
    "",
  ])("refuses %j with 415 UNSUPPORTED_MEDIA_TYPE", async (contentType) => {
    const res = await post(contentType);
    expect(res.status).toBe(415);
    expect(res.json.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(res.json.error.message).toMatch(/application\/json/);
    expect(api.queue.messages).toHaveLength(0);
  });

  it.each([
    "application/json",
    "application/json; charset=utf-8",
    "Application/JSON;charset=UTF-8",
    "application/vnd.videocraft+json",
    "application/problem+json; charset=utf-8",
  ])("accepts %j", async (contentType) => {
    expect((await post(contentType)).status).toBe(202);
  });

  it("accepts a body without a Content-Type (clients that leave it out mean JSON here)", async () => {
    expect((await post(undefined)).status).toBe(202);
  });

  it("checks only routes that take a body", async () => {
    const res = await api.call({
      method: "GET",
      path: "/v1/health",
      headers: { "content-type": "text/plain" },
    });
    expect(res.status).toBe(200);
  });

  it("refuses a wrong type on the dry run and on VideoCraft's route too", async () => {
    // VideoCraft answers a wrong content type with 400 INVALID_CONTENT_TYPE; its routes do the same.
    const videocraft = await post("text/plain", "/api/v1/generate-video");
    expect(videocraft.status).toBe(400);
    expect(videocraft.json).toMatchObject({ code: "INVALID_CONTENT_TYPE" });
    const dry = await api.call({
      method: "POST",
      path: "/v1/videos",
      query: { dry_run: "true" },
      body: minimalProject(),
      headers: { "content-type": "text/plain" },
    });
    expect(dry.status).toBe(415);
  });
});
