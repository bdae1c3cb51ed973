import { describe, expect, it } from "vitest";
import { CORS_ALLOW_HEADERS } from "../../../functions/api/cors-headers.js";
import { JobStore } from "../../../functions/core/jobs/job-store.js";
import { storageKeys } from "../../../functions/core/jobs/storage-keys.js";
import { API_KEY, createTestApi, minimalProject, NOW } from "./test-api.js";

/**
 * VideoCraft's own API, route by route, as its code (internal/api/http) and its docs
 * (README, docs/api/requests-responses.md, docs/api/endpoints.md) have it: the fields its
 * clients read, its status names and codes, and its error body.
 */
type Api = ReturnType<typeof createTestApi>;
const MP4 = Buffer.from("\x00\x00\x00\x18ftypmp42fake mp4 bytes", "latin1");

/** A job created through VideoCraft's route, then completed as the worker would leave it. */
async function completedJob(api: Api): Promise<string> {
  const res = await api.call({ method: "POST", path: "/api/v1/videos", body: [minimalProject()] });
  const id = res.json.job_id as string;
  api.memory.objects.set(storageKeys.video(id), { body: MP4, contentType: "video/mp4" });
  await api.setStatus(id, {
    status: "completed",
    progress: 100,
    step: "done",
    started_at: "2025-03-04T05:06:08.000Z",
    finished_at: "2025-03-04T05:06:19.500Z",
    updated_at: "2025-03-04T05:06:19.500Z",
    duration_seconds: 2,
    output: { video_key: storageKeys.video(id), poster_key: storageKeys.poster(id), bytes: MP4.length },
  });
  return id;
}

describe("VideoCraft create: POST /api/v1/videos and /api/v1/generate-video", () => {
  it("answers 202 with VideoCraft's fields and makes ONE job of an array, rendering its first project", async () => {
    const api = createTestApi();
    for (const path of ["/api/v1/videos", "/api/v1/generate-video"]) {
      const res = await api.call({ method: "POST", path, body: [minimalProject(1), minimalProject(3)] });
      expect(res.status).toBe(202);
      const id = res.json.job_id;
      expect(res.json).toEqual({
        success: true,
        job_id: id,
        video_id: id,
        status: "pending",
        message: "Video generation started",
        status_url: `/api/v1/jobs/${id}/status`,
        created_at: NOW.toISOString(),
        data: {
          job_id: id,
          status: "pending",
          progress: 0,
          created_at: NOW.toISOString(),
          status_url: `/api/v1/jobs/${id}/status`,
        },
        request_id: expect.any(String),
      });
      const stored = await new JobStore(api.store).getRequest(id);
      expect(stored?.scenes[0]?.duration).toBe(1);
      const status = await new JobStore(api.store).getStatus(id);
      expect(status?.warnings.join(" ")).toMatch(/2 projects.*first one only/);
    }
    expect(api.queue.messages).toHaveLength(2);
  });

  it("takes a single project object (the docs' Python client) and puts the stage into status_url", async () => {
    const api = createTestApi();
    const res = await api.call({
      method: "POST",
      path: "/api/v1/generate-video",
      body: minimalProject(),
      stage: "/prod",
    });
    expect(res.status).toBe(202);
    expect(res.json.status_url).toBe(`/prod/api/v1/jobs/${res.json.job_id}/status`);
  });

  it("drops keys it does not know into job warnings, silently for keys VideoCraft's own model knows", async () => {
    const api = createTestApi();
    const body = {
      title: "known to VideoCraft's validator",
      scenes: [
        {
          id: "intro",
          duration: 2,
          elements: [
            { type: "image", src: "https://example.com/a.png", language: "en", settings: {}, "z-indx": 3 },
            { type: "subtitles", language: "en", settings: { style: "progressive", "glow-color": "#fff" } },
          ],
        },
      ],
    };
    const res = await api.call({ method: "POST", path: "/api/v1/videos", body });
    expect(res.status).toBe(202);
    const job = await api.call({ path: `/api/v1/jobs/${res.json.job_id}` });
    expect(job.json.warnings).toEqual([
      expect.stringContaining("'scenes[0].elements[0].z-indx'"),
      expect.stringContaining("'scenes[0].elements[1].settings.glow-color'"),
    ]);
    // /v1 stays strict.
    const strict = await api.call({ method: "POST", path: "/v1/videos", body });
    expect(strict.status).toBe(400);
    expect(strict.json.error.details.map((d: { path: string }) => d.path)).toContain("title");
  });

  it("refuses what is really wrong with VideoCraft's error body, paths kept", async () => {
    const api = createTestApi();
    const res = await api.call({
      method: "POST",
      path: "/api/v1/videos",
      body: { scenes: [{ elements: [{ type: "audio", src: "ftp://x/a.mp3" }] }] },
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      success: false,
      error: expect.stringContaining("scenes[0].elements[0].src"),
      code: "VALIDATION_ERROR",
      details: expect.stringContaining("scenes[0].elements[0].src: "),
      validation_errors: [{ path: "scenes[0].elements[0].src", message: expect.any(String) }],
      request_id: expect.any(String),
      timestamp: expect.any(String),
    });
    const bad = await api.call({ method: "POST", path: "/api/v1/videos", body: "{" });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe("INVALID_JSON");
    const empty = await api.call({ method: "POST", path: "/api/v1/videos", body: [] });
    expect(empty.status).toBe(400);
    expect(empty.json.code).toBe("VALIDATION_ERROR");
  });
});

describe("VideoCraft job routes", () => {
  it("GET /api/v1/jobs/{id}, /status and /api/v1/status/{id}: VideoCraft's fields and status names", async () => {
    const api = createTestApi();
    const created = await api.call({ method: "POST", path: "/api/v1/videos", body: minimalProject() });
    const queued = created.json.job_id;
    for (const path of [
      `/api/v1/jobs/${queued}`,
      `/api/v1/jobs/${queued}/status`,
      `/api/v1/status/${queued}`,
    ]) {
      const res = await api.call({ path });
      expect(res.status, path).toBe(200);
      expect(res.json).toMatchObject({
        success: true,
        job_id: queued,
        video_id: queued,
        status: "pending",
        progress: 0,
        created_at: NOW.toISOString(),
        updated_at: NOW.toISOString(),
      });
      expect(res.json).not.toHaveProperty("completed_at");
      expect(res.json).not.toHaveProperty("video_url");
    }

    const done = await completedJob(api);
    const res = await api.call({ path: `/api/v1/jobs/${done}/status` });
    expect(res.json).toMatchObject({
      status: "completed",
      progress: 100,
      completed_at: "2025-03-04T05:06:19.500Z",
      // VideoCraft's meaning: how long the job took from creation, not the video's length.
      duration_seconds: 12.5,
      video_url: `/api/v1/videos/${done}`,
      download_url: `/api/v1/download/${done}`,
      data: {
        id: done,
        status: "completed",
        result: {
          video_id: done,
          download_url: `/api/v1/download/${done}`,
          file_size: MP4.length,
          duration: 2,
        },
      },
    });
  });

  it("reports a failure as a string, as VideoCraft does", async () => {
    const api = createTestApi();
    const id = (await api.call({ method: "POST", path: "/api/v1/videos", body: minimalProject() })).json
      .job_id;
    await api.setStatus(id, {
      status: "failed",
      finished_at: "2025-03-04T05:06:10.000Z",
      error: { code: "SOURCE_UNREACHABLE", message: "scenes[0].elements[0].src: 404 from example.com" },
    });
    const res = await api.call({ path: `/api/v1/jobs/${id}` });
    expect(res.json).toMatchObject({
      status: "failed",
      error: "scenes[0].elements[0].src: 404 from example.com",
      error_code: "SOURCE_UNREACHABLE",
      completed_at: "2025-03-04T05:06:10.000Z",
    });
  });

  it("answers JOB_NOT_FOUND for an unknown or malformed id", async () => {
    const api = createTestApi();
    for (const id of ["01ARZ3NDEKTSV4RRFFQ69G5FAV", "550e8400-e29b-41d4-a716-446655440000"]) {
      const res = await api.call({ path: `/api/v1/jobs/${id}` });
      expect(res.status).toBe(404);
      expect(res.json).toMatchObject({ success: false, error: "Job not found", code: "JOB_NOT_FOUND" });
    }
  });

  it("GET /api/v1/jobs lists with ?status=pending&offset=&limit= and VideoCraft's pagination", async () => {
    const api = createTestApi();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (await api.call({ method: "POST", path: "/api/v1/videos", body: minimalProject() })).json.job_id,
      );
    }
    await api.setStatus(ids[1] as string, { status: "processing" });
    const newest = [...ids].reverse();
    const page = await api.call({ path: "/api/v1/jobs", query: { limit: "2", offset: "1" } });
    expect(page.status).toBe(200);
    expect(page.json.jobs.map((j: { job_id: string }) => j.job_id)).toEqual(newest.slice(1, 3));
    expect(page.json).toMatchObject({
      success: true,
      total_count: 5,
      pagination: { limit: 2, offset: 1, total: 5, has_more: true },
      data: { pagination: { limit: 2, offset: 1, total: 5, has_more: true } },
    });
    const pending = await api.call({ path: "/api/v1/jobs", query: { status: "pending", offset: "3" } });
    expect(pending.json.total_count).toBe(4);
    expect(pending.json.jobs.map((j: { id: string }) => j.id)).toEqual([ids[0]]);
    expect(pending.json.jobs[0].status).toBe("pending");
    expect(pending.json.pagination).toEqual({ limit: 50, offset: 3, total: 4, has_more: false });
    const bad = await api.call({ path: "/api/v1/jobs", query: { status: "queueing", limit: "0" } });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe("VALIDATION_ERROR");
    expect(bad.json.validation_errors.map((e: { path: string }) => e.path).sort()).toEqual([
      "limit",
      "status",
    ]);
  });

  it("POST /api/v1/jobs/{id}/cancel and DELETE /api/v1/jobs/{id} cancel; a finished job is VideoCraft's INVALID_INPUT", async () => {
    const api = createTestApi();
    for (const method of ["POST", "DELETE"]) {
      const id = (await api.call({ method: "POST", path: "/api/v1/videos", body: minimalProject() })).json
        .job_id;
      const path = method === "POST" ? `/api/v1/jobs/${id}/cancel` : `/api/v1/jobs/${id}`;
      const res = await api.call({ method, path });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({
        success: true,
        job_id: id,
        status: "cancelled",
        message: "Job cancelled successfully",
        data: { job_id: id, status: "cancelled", cancelled_at: NOW.toISOString() },
      });
      expect((await api.call({ method, path })).status).toBe(200);
      expect((await api.call({ path: `/api/v1/jobs/${id}` })).json.status).toBe("cancelled");
    }
    const running = (await api.call({ method: "POST", path: "/api/v1/videos", body: minimalProject() })).json
      .job_id;
    await api.setStatus(running, { status: "processing", step: "rendering", progress: 50 });
    const asked = await api.call({ method: "POST", path: `/api/v1/jobs/${running}/cancel` });
    expect(asked.json).toMatchObject({
      status: "processing",
      message: expect.stringContaining("next check"),
    });
    expect(await api.store.exists(storageKeys.cancel(running))).toBe(true);

    const done = await completedJob(api);
    const refused = await api.call({ method: "POST", path: `/api/v1/jobs/${done}/cancel` });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({
      code: "INVALID_INPUT",
      error: "cannot cancel completed or failed job",
    });
  });
});

describe("VideoCraft video routes", () => {
  it("answers 200 with the MP4 on every download path where the server streams", async () => {
    const api = createTestApi({ downloads: "stream" });
    const id = await completedJob(api);
    for (const path of [`/api/v1/videos/${id}`, `/api/v1/videos/${id}/download`, `/api/v1/download/${id}`]) {
      const res = await api.call({ path });
      expect(res.status, path).toBe(200);
      expect(res.headers["content-type"]).toBe("video/mp4");
      expect(res.headers["content-disposition"]).toBe(`attachment; filename="video_${id}.mp4"`);
      expect(res.headers["content-length"]).toBe(String(MP4.length));
      expect(Buffer.from(res.text, "latin1").equals(MP4)).toBe(true);
    }
  });

  it("redirects to the presigned URL where the server cannot stream (API Gateway's buffered integration)", async () => {
    const api = createTestApi();
    const id = await completedJob(api);
    const res = await api.call({ path: `/api/v1/download/${id}` });
    expect(res.status).toBe(302);
    expect(res.headers.Location).toContain(storageKeys.video(id));
  });

  it("redirects a video over the streaming limit even where the server streams (Lambda streams 200 MB at most)", async () => {
    const api = createTestApi({ downloads: "stream", maxStreamedBytes: MP4.length - 1 });
    const id = await completedJob(api);
    const res = await api.call({ path: `/api/v1/videos/${id}/download` });
    expect(res.status).toBe(302);
    expect(res.headers.Location).toContain(storageKeys.video(id));
    const fits = createTestApi({ downloads: "stream", maxStreamedBytes: MP4.length });
    const small = await completedJob(fits);
    expect((await fits.call({ path: `/api/v1/videos/${small}/download` })).status).toBe(200);
  });

  it("answers the video's details as JSON when asked for JSON (VideoCraft's endpoint docs)", async () => {
    const api = createTestApi({ downloads: "stream" });
    const id = await completedJob(api);
    const res = await api.call({ path: `/api/v1/videos/${id}`, headers: { Accept: "application/json" } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      success: true,
      id,
      job_id: id,
      status: "completed",
      file_size: MP4.length,
      file_format: "mp4",
      duration: 2,
      resolution: "1920x1080",
      framerate: 30,
      download_url: `/api/v1/download/${id}`,
      data: { id, file_size: MP4.length },
    });
  });

  it("answers VIDEO_NOT_FOUND while the job is not completed and once the video is gone", async () => {
    const api = createTestApi({ downloads: "stream" });
    const queued = (await api.call({ method: "POST", path: "/api/v1/videos", body: minimalProject() })).json
      .job_id;
    const early = await api.call({ path: `/api/v1/videos/${queued}` });
    expect(early.status).toBe(404);
    expect(early.json).toMatchObject({
      code: "VIDEO_NOT_FOUND",
      error: "Video not found (the job is pending)",
    });
    const id = await completedJob(api);
    const deleted = await api.call({ method: "DELETE", path: `/api/v1/videos/${id}` });
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ success: true, message: "Video deleted successfully", video_id: id });
    const gone = await api.call({ path: `/api/v1/download/${id}` });
    expect(gone.status).toBe(404);
    expect(gone.json.code).toBe("VIDEO_NOT_FOUND");
    expect((await api.call({ path: `/api/v1/jobs/${id}` })).json).not.toHaveProperty("video_url");
  });

  it("GET /api/v1/videos lists finished videos with VideoCraft's fields", async () => {
    const api = createTestApi();
    const id = await completedJob(api);
    await api.call({ method: "POST", path: "/api/v1/videos", body: minimalProject() });
    const res = await api.call({ path: "/api/v1/videos" });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      success: true,
      total_count: 1,
      videos: [
        {
          id,
          job_id: id,
          status: "completed",
          file_size: MP4.length,
          duration: 2,
          resolution: "1920x1080",
          download_url: `/api/v1/download/${id}`,
        },
      ],
      pagination: { limit: 20, offset: 0, total: 1, has_more: false },
    });
    const later = await api.call({
      path: "/api/v1/videos",
      query: { created_after: "2030-01-01T00:00:00Z" },
    });
    expect(later.json.videos).toEqual([]);
  });
});

describe("VideoCraft's probes and token route", () => {
  it("answers /health, /health/detailed, /ready, /live without a key, with VideoCraft's fields", async () => {
    const api = createTestApi();
    for (const path of ["/health", "/api/v1/health"]) {
      const res = await api.call({ path, auth: false });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        status: "healthy",
        timestamp: NOW.toISOString(),
        time: NOW.toISOString(),
        version: api.config.version,
      });
    }
    const detailed = await api.call({ path: "/health/detailed", auth: false });
    expect(detailed.status).toBe(200);
    expect(detailed.json).toMatchObject({
      status: "healthy",
      uptime: expect.stringMatching(/^(\d+h)?(\d+m)?[\d.]+s$/),
      system: { memory: { alloc_mb: expect.any(Number), sys_mb: expect.any(Number) } },
      services: { storage: "healthy", queue: "healthy" },
    });
    expect((await api.call({ path: "/ready", auth: false })).json).toMatchObject({
      ready: true,
      status: "ok",
      checks: { storage: "ok", queue: "ok" },
    });
    expect((await api.call({ path: "/live", auth: false })).json).toMatchObject({
      alive: true,
      status: "ok",
    });
  });

  it("answers /ready 503 when storage fails", async () => {
    const api = createTestApi();
    api.memory.exists = async () => {
      throw new Error("bucket unreachable");
    };
    const res = await api.call({ path: "/ready", auth: false });
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({ ready: false, checks: { storage: "failing", queue: "ok" } });
  });

  it("answers /metrics as JSON, and as Prometheus text to a scraper", async () => {
    const api = createTestApi();
    await api.call({ path: "/v1/jobs" });
    const res = await api.call({ path: "/metrics", auth: false });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      jobs_total: 0,
      jobs_active: 0,
      jobs_completed: 0,
      jobs_failed: 0,
      jobs_queued: 0,
      uptime_seconds: expect.any(Number),
      memory_alloc_bytes: expect.any(Number),
    });
    expect(res.json.requests_total).toBeGreaterThan(0);
    const text = await api.call({
      path: "/metrics",
      auth: false,
      headers: { Accept: "text/plain;version=0.0.4;q=0.5,*/*;q=0.1" },
    });
    expect(text.headers["content-type"]).toMatch(/^text\/plain; version=0.0.4/);
    expect(text.text).toContain(
      '# TYPE videocraft_jobs_total gauge\nvideocraft_jobs_total{status="completed"} 0\n',
    );
    expect(text.text).toMatch(/^videocraft_jobs_queued 0$/m);
  });

  it("issues a CSRF token without a key, in VideoCraft's format", async () => {
    const api = createTestApi();
    const res = await api.call({ path: "/api/v1/csrf-token", auth: false });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      success: true,
      csrf_token: expect.stringMatching(/^[0-9a-f]{128}$/),
      expires_in: 3600,
      usage: expect.stringContaining("X-CSRF-Token"),
      data: { expires_at: new Date(NOW.getTime() + 3600_000).toISOString() },
    });
  });

  it("checks the token on POST and DELETE when VIDEOCRAFT_SECURITY_ENABLE_CSRF asks for it", async () => {
    const api = createTestApi({
      env: { VIDEOCRAFT_SECURITY_ENABLE_CSRF: "true", VIDEOCRAFT_SECURITY_CSRF_SECRET: "s".repeat(40) },
    });
    const post = (headers: Record<string, string>) =>
      api.call({ method: "POST", path: "/api/v1/videos", body: minimalProject(), headers });
    const missing = await post({});
    expect(missing.status).toBe(403);
    expect(missing.json.code).toBe("CSRF_TOKEN_MISSING");
    expect((await post({ "X-CSRF-Token": "ab".repeat(64) })).json.code).toBe("CSRF_TOKEN_INVALID");
    const token = (await api.call({ path: "/api/v1/csrf-token", auth: false })).json.csrf_token;
    expect((await post({ "X-CSRF-Token": token })).status).toBe(202);
    // Reads need none; /v1 is not VideoCraft's and takes none.
    expect((await api.call({ path: "/api/v1/jobs" })).status).toBe(200);
    expect((await api.call({ method: "POST", path: "/v1/videos", body: minimalProject() })).status).toBe(202);
  });

  it("lists VideoCraft's routes at /", async () => {
    const api = createTestApi();
    const res = await api.call({ path: "/", auth: false });
    expect(res.status).toBe(200);
    expect(res.json.endpoints).toMatchObject({
      "POST /api/v1/generate-video": expect.any(String),
      "GET /api/v1/download/{id}": expect.any(String),
      "POST /api/v1/jobs/{id}/cancel": expect.any(String),
      "GET /health": expect.any(String),
    });
  });

  it("sends a browser at / to the studio under the stage; API clients keep the listing", async () => {
    const api = createTestApi({ env: { VIDEOCRAFT_STUDIO_DIR: "/srv/studio" } });
    const root = (accept?: string) =>
      api.call({ path: "/", stage: "/prod", auth: false, headers: accept ? { accept } : {} });
    const browser = await root("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
    expect(browser.status).toBe(302);
    expect(browser.headers).toMatchObject({ Location: "/prod/studio", vary: "accept" });
    for (const accept of [undefined, "*/*", "application/json", "text/html, application/json"]) {
      const res = await root(accept);
      expect(res.status, String(accept)).toBe(200);
      expect(res.headers.vary, String(accept)).toBe("accept");
      expect(res.json.endpoints, String(accept)).toBeTruthy();
    }
  });

  it("lists the routes to a browser too where no studio is served", async () => {
    const res = await createTestApi().call({ path: "/", auth: false, headers: { accept: "text/html" } });
    expect(res.status).toBe(200);
    expect(res.json.endpoints).toBeTruthy();
  });
});

describe("VideoCraft's auth forms", () => {
  it("takes the key as Bearer, as the raw Authorization header, as ?api_key= and as x-api-key", async () => {
    const api = createTestApi();
    const forms: { headers?: Record<string, string>; query?: Record<string, string> }[] = [
      { headers: { Authorization: `Bearer ${API_KEY}` } },
      { headers: { Authorization: API_KEY } },
      { query: { api_key: API_KEY } },
      { headers: { "x-api-key": API_KEY } },
    ];
    for (const form of forms) {
      expect(
        (await api.call({ path: "/api/v1/jobs", auth: false, ...form })).status,
        JSON.stringify(form),
      ).toBe(200);
    }
  });

  it("answers an unknown path or method under /api/ with VideoCraft's error body, elsewhere with ours", async () => {
    const api = createTestApi();
    const missing = await api.call({ path: "/api/v1/nowhere" });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ success: false, code: "NOT_FOUND" });
    const method = await api.call({ method: "PUT", path: "/api/v1/jobs" });
    expect(method.status).toBe(405);
    expect(method.json).toMatchObject({ success: false, code: "METHOD_NOT_ALLOWED" });
    expect((await api.call({ path: "/v1/nowhere" })).json.error.code).toBe("NOT_FOUND");
  });

  it("answers VideoCraft's MISSING_API_KEY and INVALID_API_KEY", async () => {
    const api = createTestApi();
    const missing = await api.call({ path: "/api/v1/jobs", auth: false });
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject({ success: false, code: "MISSING_API_KEY" });
    const wrong = await api.call({ path: "/api/v1/jobs", auth: false, query: { api_key: "x".repeat(20) } });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ success: false, code: "INVALID_API_KEY" });
  });

  it("never logs a key sent in the URL", async () => {
    const api = createTestApi();
    await api.call({ path: "/api/v1/jobs", auth: false, query: { api_key: API_KEY } });
    await api.call({ path: "/api/v1/jobs", auth: false, query: { api_key: `${API_KEY}-wrong` } });
    expect(api.log.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(api.log.lines)).not.toContain(API_KEY);
  });

  it("lets a browser send X-CSRF-Token (CORS preflight)", async () => {
    const api = createTestApi();
    const res = await api.call({
      method: "OPTIONS",
      path: "/api/v1/videos",
      auth: false,
      headers: { Origin: "https://app.example.com", "Access-Control-Request-Headers": "x-csrf-token" },
    });
    expect(res.status).toBe(204);
    expect(res.headers["Access-Control-Allow-Headers"]).toContain("X-CSRF-Token");
    expect(CORS_ALLOW_HEADERS).toContain("X-CSRF-Token");
  });
});
