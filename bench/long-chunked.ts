import { mkdir, rm, stat } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { silentLog } from "../functions/core/ports/log.js";
import { ApiClient } from "../local/api-client.js";
import { startLocalService } from "../local/local-service.js";
import { countFrames, streamDurations } from "../test/support/frame-compare.js";
import { FRAME, IMAGE_AT, INPUTS, log, OUT, round } from "./bench-env.js";
import { caseInputs, timedWords } from "./inputs.js";

/**
 * A 10-minute single-scene 1080p30 video rendered in chunks on the local stack: the embedded
 * emulator, fan-out on, 2 worker loops, the chunk length left automatic. The scene has the bench's
 * looping background, an image, captions across the whole length and narration looped under it.
 */
export interface LongChunkedReport {
  videoSeconds: number;
  workers: number;
  /** Submit to `completed`, seen by a 250 ms poll. */
  wallSeconds: number;
  segments: { total: number; cached: number; fanout?: boolean } | null;
  expectedFrames: number;
  frames: number;
  videoDuration: number;
  /** |video − audio| at the end, seconds. */
  avOffsetSeconds: number;
  bytes: number;
  load1End: number;
}

export async function renderLongChunked(minutes = 10, workers = 2): Promise<LongChunkedReport> {
  const inputs = await caseInputs("2min", 3, 120);
  const words = timedWords(inputs).flat();
  const seconds = minutes * 60;
  const url = (path: string) => pathToFileURL(path).href;
  // The 2 min case's words, repeated over the whole length.
  const cycle = (words.at(-1)?.end ?? 1) + 2;
  const captionWords = Array.from({ length: Math.ceil(seconds / cycle) }, (_, k) =>
    words.map((w) => ({
      word: w.word,
      start: round(w.start + k * cycle, 3) ?? 0,
      end: round(w.end + k * cycle, 3) ?? 0,
    })),
  )
    .flat()
    .filter((w) => w.end <= seconds);
  const body = {
    resolution: `${FRAME.width}x${FRAME.height}`,
    fps: FRAME.fps,
    elements: [
      { type: "video", src: url(inputs.background.path) },
      { type: "audio", src: url(inputs.narration[0]!.path) },
    ],
    scenes: [
      {
        duration: seconds,
        elements: [
          {
            type: "image",
            src: url(inputs.images[0]!),
            ...IMAGE_AT,
            width: 500,
            height: 500,
            resize: "stretch",
          },
          {
            type: "subtitles",
            settings: { style: "progressive", font_size: "72px", position: "center-bottom" },
            words: captionWords,
          },
        ],
      },
    ],
  };
  const dir = join(OUT, "long");
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const service = await startLocalService({
    env: { VIDEOCRAFT_LOCAL_ALLOWED_DIR: INPUTS, VIDEOCRAFT_WORK_DIR: join(dir, "work") },
    workers,
    fanout: true,
    log: silentLog,
  });
  try {
    const client = new ApiClient(service.url, service.apiKey);
    log(`long: ${minutes} min single scene, chunked, ${workers} workers`);
    const t0 = performance.now();
    const { id } = await client.submit(body);
    const job = await client.waitForJob(id, { timeoutMs: 4 * 3600_000, intervalMs: 250 });
    const wallSeconds = (performance.now() - t0) / 1000;
    if (job.status !== "completed")
      throw new Error(`the long render ended ${job.status}: ${job.error?.message}`);
    const path = join(dir, "long.mp4");
    await client.downloadVideo(id, path);
    const d = await streamDurations(path);
    return {
      videoSeconds: seconds,
      workers,
      wallSeconds: round(wallSeconds, 1) ?? 0,
      segments: (await service.jobs.getStatus(id))?.segments ?? null,
      expectedFrames: seconds * FRAME.fps,
      frames: await countFrames(path),
      videoDuration: d.video ?? 0,
      avOffsetSeconds: round(Math.abs((d.video ?? 0) - (d.audio ?? 0)), 4) ?? 0,
      bytes: (await stat(path)).size,
      load1End: round(loadavg()[0], 2) ?? 0,
    };
  } finally {
    await service.stop();
  }
}
