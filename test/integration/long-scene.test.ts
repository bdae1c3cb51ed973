import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobView } from "../../local/api-client.js";
import { generateVideo } from "../../local/generate-media.js";
import { countFrames, streamDurations } from "../support/frame-compare.js";
import { startTinyMediaService, type TinyMediaService } from "../support/tiny-media-service.js";

/** One long single-scene job rendered in chunks on the local stack's 2 workers, downloaded. */
interface ChunkedRun {
  stack: TinyMediaService;
  job: JobView;
  path: string;
}

/**
 * Renders `seconds` of one scene at 64×36, draft, with a looping clip as its background (it crosses
 * every chunk boundary) and looping music, chunked at `chunkSeconds`, plus the scene's own `elements`.
 */
async function renderChunkedScene(
  name: string,
  opts: {
    seconds: number;
    fps: number;
    clipFps: number;
    chunkSeconds: number;
    elements?: (dir: string) => unknown[];
  },
): Promise<ChunkedRun> {
  const stack = await startTinyMediaService(name, {
    workers: 2,
    fanout: true,
    env: { VIDEOCRAFT_CHUNK_SECONDS: String(opts.chunkSeconds) },
  });
  const { dir, client } = stack;
  await generateVideo(join(dir, "loop.mp4"), { seconds: 7, width: 64, height: 36, fps: opts.clipFps });
  const { id } = await client.submit({
    resolution: "custom",
    width: 64,
    height: 36,
    fps: opts.fps,
    quality: "draft",
    elements: [{ type: "audio", src: `file://${join(dir, "tone.wav")}`, volume: 0.3 }],
    scenes: [
      {
        duration: opts.seconds,
        elements: [
          { type: "video", src: `file://${join(dir, "loop.mp4")}` },
          ...(opts.elements?.(dir) ?? []),
        ],
      },
    ],
  });
  const job = await client.waitForJob(id, { timeoutMs: 400_000, intervalMs: 250 });
  const path = join(dir, `${name}.mp4`);
  if (job.status === "completed") await client.downloadVideo(id, path);
  return { stack, job, path };
}

/**
 * A 10-minute single-scene video, the case one worker could not finish inside Lambda's timeout at
 * full size: the scene becomes 10 chunks of a minute, each a segment task, joined once. Reduced to
 * 64×36 at 2 fps, so it stays quick; `bench/run.ts` renders the same shape at 1080p30.
 */
describe("a 10-minute single-scene video on the local stack", () => {
  const MINUTES = 10;
  const FPS = 2;
  const minute = (m: number) => m * 60;
  let run: ChunkedRun;

  beforeAll(async () => {
    run = await renderChunkedScene("long", {
      seconds: minute(MINUTES),
      fps: FPS,
      clipFps: 5,
      chunkSeconds: 60,
      elements: (dir) => [
        { type: "image", src: `file://${join(dir, "dot.png")}`, x: 4, y: 4, start: 50, duration: 20 },
        {
          type: "subtitles",
          words: Array.from({ length: MINUTES }, (_, m) => ({
            word: `minute${m}`,
            start: minute(m) + 55,
            end: minute(m) + 65,
          })).filter((w) => w.end <= minute(MINUTES)),
        },
      ],
    });
  }, 480_000);

  afterAll(async () => {
    await run?.stack.stop();
  });

  it("completes as 10 chunks rendered as segment tasks", async () => {
    expect(run.job).toMatchObject({ status: "completed", progress: 100 });
    const record = await run.stack.service.jobs.getStatus(run.job.id);
    expect(record?.segments).toEqual({ total: 10, cached: 0, fanout: true });
    const rendered = run.stack.log.lines.filter(
      (l) => l.message === "segment rendered" && l.text.includes(run.job.id),
    );
    expect(rendered.map((l) => JSON.parse(l.text).segment as number).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });

  it("has every frame of the 10 minutes, and the sound ends with the picture", async () => {
    expect(await countFrames(run.path)).toBe(MINUTES * 60 * FPS);
    const d = await streamDurations(run.path);
    expect(d.video).toBeCloseTo(MINUTES * 60, 3);
    expect(Math.abs(d.video! - d.audio!)).toBeLessThan(1 / FPS);
  });
});

/**
 * Chunks that start between whole seconds, as automatic chunk lengths make them (a 10-minute scene
 * in 9 chunks starts one every 66.67 s): 2 minutes at 30 fps with 14 s chunks become 9 chunks of
 * 400 frames (13.33 s). MP4 keeps each part's length in whole milliseconds, so without the exact
 * part lengths in the concat list every join after such a chunk moved the picture later than the
 * sound (120.005 s of video over 120 s of audio), and a looping clip entered off a whole second
 * repeated a frame.
 */
describe("a scene chunked between whole seconds", () => {
  const SECONDS = 120;
  const FPS = 30;
  let run: ChunkedRun;

  beforeAll(async () => {
    run = await renderChunkedScene("off-second", {
      seconds: SECONDS,
      fps: FPS,
      clipFps: 25,
      chunkSeconds: 14,
    });
  }, 360_000);

  afterAll(async () => {
    await run?.stack.stop();
  });

  it("is rendered as 9 chunks", async () => {
    expect(run.job).toMatchObject({ status: "completed" });
    const record = await run.stack.service.jobs.getStatus(run.job.id);
    expect(record?.segments).toEqual({ total: 9, cached: 0, fanout: true });
  });

  it("has every frame, and picture and sound end together to the millisecond", async () => {
    expect(await countFrames(run.path)).toBe(SECONDS * FPS);
    const d = await streamDurations(run.path);
    expect(d.video).toBeCloseTo(SECONDS, 3);
    expect(Math.abs((d.video ?? 0) - (d.audio ?? 0))).toBeLessThan(0.001);
  });
});
