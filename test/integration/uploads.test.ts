import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SINGLE_PUT_MAX_BYTES } from "../../functions/core/uploads/upload-rules.js";
import { ApiClient } from "../../local/api-client.js";
import { generateTone, generateVideo } from "../../local/generate-media.js";
import { type LocalService, startLocalService } from "../../local/local-service.js";
import { uploadLocalFile } from "../../local/upload-file.js";
import { ffprobe } from "../support/media-probe.js";
import { runCli } from "../support/run-cli.js";

/**
 * Uploads as a client makes them, through the local service: POST /v1/uploads, PUT to the
 * presigned URL(s) on the embedded emulator, complete, then render from the s3:// sources.
 */
let dir: string;
let service: LocalService;
let client: ApiClient;
const sha256 = async (path: string) =>
  createHash("sha256")
    .update(await readFile(path))
    .digest("hex");

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-uploads-"));
  await Promise.all([
    generateVideo(join(dir, "Pattern Clip.mp4"), { seconds: 2, width: 320, height: 240, fps: 25 }),
    // 70 s of 48 kHz stereo 16-bit PCM: ~12.8 MiB, over the emulator's ~11 MiB single-PUT cap.
    generateTone(join(dir, "long-narration.wav"), { seconds: 70, hz: 330, volume: 0.4 }),
  ]);
  service = await startLocalService({
    env: { VIDEOCRAFT_FFMPEG_PRESET: "ultrafast", VIDEOCRAFT_STORAGE_MAX_FILE_SIZE: "64MB" },
  });
  client = new ApiClient(service.url, service.apiKey);
}, 60_000);

afterAll(async () => {
  await service?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("uploads through the local service", () => {
  let video: { source: string; size: number };
  let narration: { source: string; size: number };
  const progress: number[] = [];

  beforeAll(async () => {
    video = await uploadLocalFile(client, join(dir, "Pattern Clip.mp4"));
    narration = await uploadLocalFile(client, join(dir, "long-narration.wav"), {
      onProgress: (sent) => progress.push(sent),
    });
  }, 60_000);

  it("stores a small file with one PUT under uploads/<id>/ with a safe name", async () => {
    expect(video.source).toMatch(/^s3:\/\/videocraft-local\/uploads\/[0-9A-Z]{26}\/Pattern-Clip\.mp4$/);
    const key = video.source.replace("s3://videocraft-local/", "");
    expect(await service.store.sizeOf(key)).toBe((await stat(join(dir, "Pattern Clip.mp4"))).size);
  });

  it("sends a file over the emulator's single-PUT cap in parts and joins them byte for byte", async () => {
    const local = join(dir, "long-narration.wav");
    const { size } = await stat(local);
    expect(size).toBeGreaterThan(11 * 1024 * 1024);
    expect(progress).toHaveLength(Math.ceil(size / SINGLE_PUT_MAX_BYTES));
    expect(narration.size).toBe(size);
    const back = join(dir, "narration-back.wav");
    await service.store.downloadToFile(narration.source.replace("s3://videocraft-local/", ""), back, 1e9);
    expect(await sha256(back)).toBe(await sha256(local));
  });

  it("renders a job from both uploaded sources into an MP4", async () => {
    const { id } = await client.submit({
      width: 320,
      height: 240,
      quality: "draft",
      scenes: [
        {
          elements: [
            { type: "video", src: video.source },
            { type: "audio", src: narration.source, duration: 1.5 },
          ],
        },
      ],
    });
    const job = await client.waitForJob(id, { timeoutMs: 120_000 });
    expect(job.status, JSON.stringify(job.error)).toBe("completed");
    const out = join(dir, "out.mp4");
    await client.downloadVideo(id, out);
    const probe = await ffprobe(out);
    expect(probe.streams.map((s) => s.codec_name).sort()).toEqual(["aac", "h264"]);
    expect(probe.duration).toBeGreaterThan(1.4);
    expect(probe.duration).toBeLessThan(1.7);
  }, 150_000);
});

describe("refused uploads", () => {
  it("answers 400 with the field's path for a file over the size limit or of a type the renderer does not take", async () => {
    const tooLarge = await client.request("POST", "/v1/uploads", {
      file_name: "big.mp4",
      content_type: "video/mp4",
      size: 65 * 1024 * 1024,
    });
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body).toMatchObject({
      error: { code: "VALIDATION_FAILED", details: [{ path: "size", message: expect.any(String) }] },
    });
    const wrongType = await client.request("POST", "/v1/uploads", {
      file_name: "notes.txt",
      content_type: "text/plain",
      size: 10,
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toMatchObject({ error: { details: [{ path: "content_type" }] } });
  });
});

describe("the emulator's CORS rule", () => {
  const preflight = (origin: string) =>
    fetch(`${service.stack.endpoint}/videocraft-local/uploads/x/a.png`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "PUT",
        "access-control-request-headers": "content-type",
      },
    });

  it("lets a page on a loopback origin PUT and read the ETag, as the bucket's CORS rule does on AWS", async () => {
    const res = await preflight("http://127.0.0.1:8080");
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:8080");
    expect(res.headers.get("access-control-allow-methods")).toContain("PUT");
  });

  it("gives other origins nothing", async () => {
    const res = await preflight("https://evil.example");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("videocraft upload", () => {
  it("prints the s3:// source of the uploaded file on stdout", async () => {
    const file = join(dir, "Pattern Clip.mp4");
    const res = await runCli(["upload", file, "--url", service.url, "--api-key", service.apiKey]);
    expect(res.code, res.stderr).toBe(0);
    const source = res.stdout.trim();
    expect(source).toMatch(/^s3:\/\/videocraft-local\/uploads\/[0-9A-Z]{26}\/Pattern-Clip\.mp4$/);
    expect(await service.store.sizeOf(source.replace("s3://videocraft-local/", ""))).toBe(
      (await stat(file)).size,
    );
  });

  it("exits 2 naming the field when the API refuses the file", async () => {
    const res = await runCli(["upload", join(dir, "long-narration.wav"), "--content-type", "text/plain"], {
      env: { VIDEOCRAFT_URL: service.url, VIDEOCRAFT_API_KEY: service.apiKey },
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("content_type");
  });
});
