import { describe, expect, it } from "vitest";
import { isJobId, storageKeys } from "../../../functions/core/jobs/storage-keys.js";
import { createTestApi, minimalProject, NOW } from "./test-api.js";

describe("POST /v1/videos", () => {
  it("stores the normalised request and a queued status, enqueues the job and answers 202", async () => {
    const api = createTestApi();
    const res = await api.call({ method: "POST", path: "/v1/videos", body: minimalProject() });
    expect(res.status).toBe(202);
    const { id } = res.json;
    expect(isJobId(id)).toBe(true);
    expect(res.json).toEqual({
      id,
      job_id: id,
      status: "queued",
      status_url: `/v1/jobs/${id}`,
      created_at: NOW.toISOString(),
    });
    expect(res.headers.Location).toBe(`/v1/jobs/${id}`);
    expect(res.headers["x-request-id"]).toBeTruthy();

    const request = JSON.parse((await api.store.getText(storageKeys.request(id))) ?? "null");
    expect(request).toMatchObject({
      width: 1920,
      height: 1080,
      fps: 30,
      scenes: [{ id: "scene-0", duration: 2 }],
    });
    const status = JSON.parse((await api.store.getText(storageKeys.status(id))) ?? "null");
    expect(status).toEqual({
      id,
      // The caller's principal (a digest prefix of its key), never the key.
      owner: expect.stringMatching(/^key:[0-9a-f]{16}$/),
      status: "queued",
      progress: 0,
      step: "queued",
      warnings: [],
      attempts: 0,
      created_at: NOW.toISOString(),
      updated_at: NOW.toISOString(),
    });
    expect(api.queue.messages).toEqual([{ jobId: id }]);
  });

  it("turns an array of projects into one job each", async () => {
    const api = createTestApi();
    const res = await api.call({
      method: "POST",
      path: "/v1/videos",
      body: [minimalProject(1), minimalProject(2)],
    });
    expect(res.status).toBe(202);
    expect(res.json.jobs).toHaveLength(2);
    const ids = res.json.jobs.map((j: { id: string }) => j.id);
    expect(new Set(ids).size).toBe(2);
    expect(ids[0] < ids[1]).toBe(true);
    expect(api.queue.messages.map((m) => m.jobId)).toEqual(ids);
  });

  it("accepts the {scenes} shape with hyphenated keys", async () => {
    const api = createTestApi();
    const res = await api.call({
      method: "POST",
      path: "/v1/videos",
      body: {
        scenes: [
          {
            "background-color": "#112233",
            duration: 3,
            elements: [{ type: "image", src: "https://example.com/a.png", "z-index": 2 }],
          },
        ],
      },
    });
    expect(res.status).toBe(202);
    const request = JSON.parse((await api.store.getText(storageKeys.request(res.json.id))) ?? "null");
    expect(request.scenes[0].background_color).toBe("#112233");
    expect(request.scenes[0].elements[0].z_index).toBe(2);
  });

  it("accepts a base64-encoded body", async () => {
    const api = createTestApi();
    const res = await api.call({ method: "POST", path: "/v1/videos", body: minimalProject(), base64: true });
    expect(res.status).toBe(202);
  });

  it("refuses more projects than allowed", async () => {
    const api = createTestApi({ env: { VIDEOCRAFT_MAX_PROJECTS_PER_REQUEST: "2" } });
    const res = await api.call({
      method: "POST",
      path: "/v1/videos",
      body: [1, 2, 3].map(() => minimalProject()),
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("VALIDATION_FAILED");
    expect(res.json.error.details[0].message).toContain("at most 2 projects");
    expect(api.queue.messages).toHaveLength(0);
  });

  it("reports invalid JSON with the parser's position", async () => {
    const api = createTestApi();
    const res = await api.call({ method: "POST", path: "/v1/videos", body: '{"scenes": [}' });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("INVALID_JSON");
    expect(res.json.error.message).toMatch(/position \d+/);
    expect(res.json.error.request_id).toBe(res.headers["x-request-id"]);
  });

  it("reports an empty body as invalid JSON", async () => {
    const api = createTestApi();
    const res = await api.call({ method: "POST", path: "/v1/videos" });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("INVALID_JSON");
  });

  it("refuses nesting deeper than 64 without overflowing the stack", async () => {
    const api = createTestApi();
    const deep = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
    const res = await api.call({ method: "POST", path: "/v1/videos", body: deep });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("INVALID_JSON");
    expect(res.json.error.message).toContain("deeper than 64");
    // Brackets inside strings are not nesting.
    const inString = { ...minimalProject(), comment: "[".repeat(500) };
    expect((await api.call({ method: "POST", path: "/v1/videos", body: inString })).status).toBe(202);
  });

  it("refuses a body over 1 MiB with 413, by size or by Content-Length", async () => {
    const api = createTestApi();
    const big = JSON.stringify({ ...minimalProject(), comment: "x".repeat(2 * 1024 * 1024) });
    const res = await api.call({ method: "POST", path: "/v1/videos", body: big });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe("PAYLOAD_TOO_LARGE");
    const declared = await api.call({
      method: "POST",
      path: "/v1/videos",
      body: minimalProject(),
      headers: { "Content-Length": String(2 * 1024 * 1024) },
    });
    expect(declared.status).toBe(413);
  });

  it("lists every validation problem with its JSON path, naming unknown keys as sent", async () => {
    const api = createTestApi();
    const res = await api.call({
      method: "POST",
      path: "/v1/videos",
      body: {
        fps: 500,
        scenes: [
          { duration: 2, elements: [{ type: "image", src: "https://example.com/a.png", "z-indx": 1 }] },
          { duration: 2, elements: [{ type: "audio" }] },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("VALIDATION_FAILED");
    const paths = res.json.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining(["fps", "scenes[0].elements[0].z-indx", "scenes[1].elements[0].src"]),
    );
    const unknown = res.json.error.details.find((d: { path: string }) => d.path.endsWith("z-indx"));
    expect(unknown.message).toContain("'z-indx'");
    expect(api.queue.messages).toHaveLength(0);
  });

  it("refuses a source the deployment forbids, with its path", async () => {
    const api = createTestApi();
    const body = [
      minimalProject(),
      { scenes: [{ duration: 1, elements: [{ type: "image", src: "ftp://example.com/a.png" }] }] },
    ];
    const res = await api.call({ method: "POST", path: "/v1/videos", body });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("VALIDATION_FAILED");
    expect(res.json.error.details.map((d: { path: string }) => d.path)).toContain(
      "[1].scenes[0].elements[0].src",
    );
    expect(api.queue.messages).toHaveLength(0);
  });

  it("dry_run validates and estimates without storing or queueing", async () => {
    const api = createTestApi();
    const body = {
      scenes: [
        { id: "intro", duration: 4, elements: [{ type: "image", src: "https://example.com/a.png" }] },
        { id: "talk", elements: [{ type: "audio", src: "https://example.com/a.mp3" }] },
      ],
    };
    const res = await api.call({ method: "POST", path: "/v1/videos", query: { dry_run: "true" }, body });
    expect(res.status).toBe(200);
    expect(res.json.dry_run).toBe(true);
    const [p] = res.json.projects;
    expect(p.project.scenes.map((s: { id: string }) => s.id)).toEqual(["intro", "talk"]);
    expect(p.total_duration_seconds).toBe(4);
    expect(p.scenes).toEqual([
      { id: "intro", duration_seconds: 4 },
      { id: "talk", duration_seconds: null },
    ]);
    expect(p.notes[0]).toContain("talk");
    expect(p.estimate.render_seconds).toBeGreaterThan(0);
    expect(p.estimate.cost_usd).toBeGreaterThan(0);
    expect(typeof p.estimate.model).toBe("string");
    expect(api.queue.messages).toHaveLength(0);
    expect(api.memory.objects.size).toBe(0);
  });

  it("dry_run still reports validation failures", async () => {
    const api = createTestApi();
    const res = await api.call({
      method: "POST",
      path: "/v1/videos",
      query: { dry_run: "true" },
      body: { scenes: [] },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("VALIDATION_FAILED");
  });

  it("puts the API Gateway stage into status_url", async () => {
    const api = createTestApi();
    const res = await api.call({
      method: "POST",
      path: "/v1/videos",
      body: minimalProject(),
      stage: "/prod",
    });
    expect(res.json.status_url).toBe(`/prod/v1/jobs/${res.json.id}`);
  });
});
