import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAwsClients } from "../../functions/adapters/aws-clients.js";
import { STEP_RANGES } from "../../functions/render/pipeline/progress-reporter.js";
import { ApiClient, type JobView } from "../../local/api-client.js";
import { generateImage, generateTone, generateVideo } from "../../local/generate-media.js";
import { type LocalService, startLocalService } from "../../local/local-service.js";
import { childProcesses, isLiveChild } from "../support/child-processes.js";
import { ffprobe, grabFrame, meanVolume, near } from "../support/media-probe.js";
import { until } from "../support/until.js";

/**
 * The whole product path on the embedded stack: HTTP submit → SQS → render worker → real ffmpeg →
 * S3 → presigned download, then the MP4 is probed and its frames and sound are measured.
 */
let dir: string;
let service: LocalService;
let client: ApiClient;
const media = (name: string) => `file://${join(dir, name)}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-e2e-"));
  await Promise.all([
    generateImage(join(dir, "blue.png"), { width: 100, height: 80, color: "#0000ff" }),
    generateImage(join(dir, "green.png"), { width: 120, height: 120, color: "#00ff00" }),
    generateImage(join(dir, "yellow.png"), { width: 120, height: 120, color: "#ffff00" }),
    generateTone(join(dir, "tone-1.5s.wav"), { seconds: 1.5, hz: 440, volume: 0.5 }),
    generateTone(join(dir, "tone-2.2s.wav"), { seconds: 2.2, hz: 440, volume: 0.5 }),
    generateVideo(join(dir, "pattern.mp4"), { seconds: 1, width: 320, height: 240, fps: 25 }),
    writeFile(join(dir, "not-a-video.mp4"), "this is a text file, not media\n".repeat(20)),
    writeFile(join(dir, "huge.wav"), Buffer.alloc(3 * 1024 * 1024, 1)),
  ]);
  service = await startLocalService({
    env: {
      VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir,
      VIDEOCRAFT_STORAGE_MAX_FILE_SIZE: "2MB",
      VIDEOCRAFT_FFMPEG_PRESET: "ultrafast",
    },
    faults: {
      // Simulated worker deaths, chosen by the request's comment so tests don't race the poller.
      async beforeStep(step, jobId, attempt) {
        const comment = (await service.jobs.getRequest(jobId))?.comment;
        if (comment === "crash-once" && step === "rendering" && attempt === 1)
          throw new Error("simulated crash");
        if (comment === "poison" && step === "probing") throw new Error("simulated crash on every attempt");
      },
    },
  });
  client = new ApiClient(service.url, service.apiKey);
}, 60_000);

afterAll(async () => {
  await service?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function renderToFile(
  project: unknown,
  name: string,
): Promise<{ job: JobView; path: string; seen: JobView[] }> {
  const { id } = await client.submit(project);
  const seen: JobView[] = [];
  const job = await client.waitForJob(id, {
    timeoutMs: 120_000,
    intervalMs: 100,
    onUpdate: (j) => seen.push(j),
  });
  const path = join(dir, `${name}.mp4`);
  if (job.status === "completed") await client.downloadVideo(id, path);
  return { job, path, seen };
}

async function finalStatus(project: unknown): Promise<JobView> {
  const { id } = await client.submit(project);
  return client.waitForJob(id, { timeoutMs: 120_000, intervalMs: 100 });
}

describe("a composed two-scene video", () => {
  let result: Awaited<ReturnType<typeof renderToFile>>;

  beforeAll(async () => {
    result = await renderToFile(
      {
        resolution: "640x360",
        fps: 25,
        scenes: [
          {
            id: "red",
            "background-color": "#ff0000",
            duration: 2,
            elements: [
              { type: "audio", src: media("tone-1.5s.wav"), volume: 1 },
              { type: "image", src: media("blue.png"), x: 40, y: 30 },
              { type: "image", src: media("yellow.png"), x: 300, y: 100, "z-index": 2 },
              { type: "image", src: media("green.png"), x: 360, y: 160, "z-index": 1 },
              { type: "image", src: media("blue.png"), x: 500, y: 250, start: 1, duration: 0.5 },
            ],
          },
          {
            id: "blue",
            "background-color": "#0000ff",
            elements: [
              { type: "audio", src: media("tone-2.2s.wav"), volume: 0.25 },
              {
                type: "video",
                src: media("pattern.mp4"),
                x: 0,
                y: 0,
                width: 320,
                height: 180,
                resize: "cover",
              },
              {
                type: "subtitles",
                words: [
                  { word: "Hello", start: 0.2, end: 0.8 },
                  { word: "world", start: 0.9, end: 1.5 },
                ],
                settings: {
                  style: "progressive",
                  "word-color": "#00ff00",
                  "font-size": 40,
                  position: "center-bottom",
                },
              },
            ],
          },
        ],
      },
      "composed",
    );
  }, 180_000);

  it("completes with monotonic progress", () => {
    expect(result.job.status).toBe("completed");
    const progress = result.seen.map((j) => j.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(result.job.progress).toBe(100);
    expect(result.job.warnings ?? []).toEqual([]);
    expect(result.job.video_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it("has the expected duration, size, rate and one video + one audio stream", async () => {
    const probe = await ffprobe(result.path);
    expect(Math.abs(probe.duration - 4.2)).toBeLessThanOrEqual(0.1);
    expect(result.job.duration_seconds).toBeCloseTo(4.2, 1);
    const video = probe.streams.filter((s) => s.codec_type === "video");
    const audio = probe.streams.filter((s) => s.codec_type === "audio");
    expect(video).toHaveLength(1);
    expect(audio).toHaveLength(1);
    expect(video[0]).toMatchObject({ codec_name: "h264", width: 640, height: 360, r_frame_rate: "25/1" });
    expect(audio[0]?.codec_name).toBe("aac");
  });

  it("shows each scene's background colour and the images at their x/y", async () => {
    const first = await grabFrame(result.path, 0.5);
    expect(near(first.pixel(10, 10), [255, 0, 0])).toBe(true);
    expect(near(first.pixel(40 + 50, 30 + 40), [0, 0, 255])).toBe(true);
    expect(near(first.pixel(38, 28), [255, 0, 0])).toBe(true);
    const second = await grabFrame(result.path, 3.5);
    expect(near(second.pixel(600, 340), [0, 0, 255])).toBe(true);
  });

  it("stacks layers by z-index, not document order", async () => {
    const frame = await grabFrame(result.path, 0.5);
    // yellow (z 2) covers green (z 1) where they overlap, although green comes later in the list
    expect(near(frame.pixel(400, 200), [255, 255, 0])).toBe(true);
    expect(near(frame.pixel(460, 260), [0, 255, 0])).toBe(true);
  });

  it("shows an element only inside its start/duration window", async () => {
    expect(near((await grabFrame(result.path, 0.5)).pixel(550, 290), [255, 0, 0])).toBe(true);
    expect(near((await grabFrame(result.path, 1.2)).pixel(550, 290), [0, 0, 255])).toBe(true);
    expect(near((await grabFrame(result.path, 1.8)).pixel(550, 290), [255, 0, 0])).toBe(true);
  });

  it("burns the given word timings in as captions, in the scene's own time", async () => {
    const greenInBottomThird = async (t: number) => {
      const frame = await grabFrame(result.path, t);
      let count = 0;
      for (let y = 240; y < 360; y += 2) {
        for (let x = 0; x < 640; x += 2) if (near(frame.pixel(x, y), [0, 255, 0], 60)) count++;
      }
      return count;
    };
    expect(await greenInBottomThird(2.5)).toBeGreaterThan(20);
    expect(await greenInBottomThird(2.08)).toBe(0);
  });

  it("mixes narration at its volume: 0.25 is about 12 dB below 1", async () => {
    const loud = await meanVolume(result.path, 0.2, 1.0);
    const quiet = await meanVolume(result.path, 2.3, 1.0);
    expect(loud - quiet).toBeGreaterThan(10);
    expect(loud - quiet).toBeLessThan(14);
    const silentTail = await meanVolume(result.path, 1.6, 0.3);
    expect(silentTail).toBeLessThan(-60);
  });
});

describe("sources uploaded to the bucket (s3://…/uploads/)", () => {
  const s3src = (key: string) => `s3://${service.config.bucket}/${key}`;

  beforeAll(async () => {
    // As a user does it: PUT to a presigned URL with plain fetch.
    const { s3 } = createAwsClients(service.config);
    try {
      for (const [key, file, type] of [
        ["uploads/e2e/narration.wav", "tone-2.2s.wav", "audio/wav"],
        ["uploads/e2e/logo.png", "green.png", "image/png"],
      ] as const) {
        const put = new PutObjectCommand({ Bucket: service.config.bucket, Key: key, ContentType: type });
        const url = await getSignedUrl(s3, put, { expiresIn: 300 });
        const res = await fetch(url, {
          method: "PUT",
          headers: { "content-type": type },
          body: await readFile(join(dir, file)),
        });
        expect(res.status, `upload of ${key}`).toBe(200);
      }
    } finally {
      s3.destroy();
    }
  });

  it("renders a scene timed by uploaded narration, with an uploaded image at its x/y", async () => {
    const { job, path } = await renderToFile(
      {
        resolution: "320x240",
        fps: 10,
        quality: "draft",
        "background-color": "#000000",
        scenes: [
          {
            elements: [
              { type: "audio", src: s3src("uploads/e2e/narration.wav") },
              { type: "image", src: s3src("uploads/e2e/logo.png"), x: 100, y: 60 },
            ],
          },
        ],
      },
      "from-uploads",
    );
    expect(job).toMatchObject({ status: "completed", warnings: [] });
    const probe = await ffprobe(path);
    expect(Math.abs(probe.duration - 2.2)).toBeLessThanOrEqual(0.1);
    const frame = await grabFrame(path, 1);
    expect(near(frame.pixel(160, 120), [0, 255, 0])).toBe(true);
    expect(near(frame.pixel(20, 20), [0, 0, 0])).toBe(true);
    // The narration is heard (silence measures below -60 dB).
    expect(await meanVolume(path, 0.2, 1.5)).toBeGreaterThan(-45);
  });

  it("probes an upload in a dry run with a ranged read of the bucket", async () => {
    const res = await client.request("POST", "/v1/videos?dry_run=true", {
      scenes: [{ elements: [{ type: "audio", src: s3src("uploads/e2e/narration.wav") }] }],
    });
    expect(res.status).toBe(200);
    const [p] = (res.body as { projects: { problems: unknown[]; scenes: { duration_seconds: number }[] }[] })
      .projects;
    expect(p?.problems).toEqual([]);
    expect(Math.abs((p?.scenes[0]?.duration_seconds ?? 0) - 2.2)).toBeLessThanOrEqual(0.05);
  });

  it("fails a job whose upload is missing with SOURCE_UNREACHABLE", async () => {
    const job = await finalStatus({
      resolution: "320x240",
      scenes: [{ duration: 1, elements: [{ type: "audio", src: s3src("uploads/e2e/never-uploaded.wav") }] }],
    });
    expect(job).toMatchObject({ status: "failed", error: { code: "SOURCE_UNREACHABLE" } });
    expect(job.error?.message).toMatch(/does not exist \(was it uploaded\?\)/);
  });
});

describe("failed sources end the job failed with a job failure code", () => {
  const oneScene = (src: string, type = "audio") => ({
    resolution: "320x240",
    scenes: [{ duration: 1, elements: [{ type, src }] }],
  });

  it.each([
    ["https://127.0.0.1/a.wav", "SOURCE_FORBIDDEN"],
    ["https://169.254.169.254/latest/meta-data/a.wav", "SOURCE_FORBIDDEN"],
    ["https://10.0.0.1/a.wav", "SOURCE_FORBIDDEN"],
    ["https://[::1]/a.wav", "SOURCE_FORBIDDEN"],
    ["https://unreachable.invalid/a.wav", "SOURCE_UNREACHABLE"],
  ])("%s → %s", async (src, code) => {
    const job = await finalStatus(oneScene(src));
    expect(job.status).toBe("failed");
    expect(job.error?.code).toBe(code);
  });

  it("rejects a text file given as video", async () => {
    const job = await finalStatus(oneScene(media("not-a-video.mp4"), "video"));
    expect(job).toMatchObject({ status: "failed", error: { code: "SOURCE_INVALID_MEDIA" } });
  });

  it("rejects a source over VIDEOCRAFT_STORAGE_MAX_FILE_SIZE", async () => {
    const job = await finalStatus(oneScene(media("huge.wav")));
    expect(job).toMatchObject({ status: "failed", error: { code: "SOURCE_TOO_LARGE" } });
  });

  it("refuses a file:// source outside the allowed directory at submit time", async () => {
    const res = await client.request("POST", "/v1/videos", oneScene("file:///etc/passwd"));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: "VALIDATION_FAILED", details: [{ path: "scenes[0].elements[0].src" }] },
    });
  });
});

describe("job lifecycle under trouble", () => {
  it("cancels a job while ffmpeg is rendering: the encode is killed, not waited for", async () => {
    // A minute of 1080p at high quality: minutes of encoding on this machine unless it is killed.
    const { id } = await client.submit({
      resolution: "1920x1080",
      quality: "high",
      comment: "slow",
      scenes: [{ duration: 60, elements: [{ type: "video", src: media("pattern.mp4") }] }],
    });
    const rendering = await until(
      async () => {
        const j = await client.getJob(id);
        return j.step === "rendering" || (j.status !== "queued" && j.status !== "processing") ? j : undefined;
      },
      { what: "the job to reach rendering", intervalMs: 100 },
    );
    expect(rendering).toMatchObject({ status: "processing", step: "rendering" });
    const [encoder] = await until(
      () => {
        const pids = childProcesses("ffmpeg");
        return pids.length > 0 ? pids : undefined;
      },
      { what: "the scene's ffmpeg to start", intervalMs: 20 },
    );
    expect(isLiveChild(encoder!)).toBe(true);

    const res = await client.request("DELETE", `/v1/jobs/${id}`);
    expect(res.status).toBe(202);
    // The safety net is far shorter than the encode would take, but the assertions are the events.
    const job = await client.waitForJob(id, { timeoutMs: 60_000, intervalMs: 100 });
    expect(job).toMatchObject({ status: "cancelled", step: "rendering", error: { code: "CANCELLED" } });
    // The final status is written only after ffmpeg exited, and the encode never got to its end.
    expect(isLiveChild(encoder!)).toBe(false);
    expect(job.progress).toBeLessThan(STEP_RANGES.rendering[1]);
    expect((await client.request("DELETE", `/v1/jobs/${id}`)).status).toBe(409);
  });

  it("survives a worker crash mid-job: the message is redelivered and the job completes", async () => {
    const job = await finalStatus({
      comment: "crash-once",
      resolution: "320x240",
      scenes: [{ duration: 1, elements: [{ type: "audio", src: media("tone-1.5s.wav") }] }],
    });
    expect(job.status).toBe("completed");
    const stored = await service.jobs.getStatus(job.id);
    expect(stored?.attempts).toBe(2);
  });

  it("moves a job that fails on every attempt to the DLQ and marks it failed", async () => {
    const job = await finalStatus({
      comment: "poison",
      resolution: "320x240",
      scenes: [{ duration: 1, elements: [{ type: "audio", src: media("tone-1.5s.wav") }] }],
    });
    expect(job).toMatchObject({ status: "failed", error: { code: "RENDER_FAILED" } });
    const stored = await service.jobs.getStatus(job.id);
    expect(stored?.attempts).toBe(3);
  });
});
