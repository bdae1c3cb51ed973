import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobView } from "../../local/api-client.js";
import { generateVideo } from "../../local/generate-media.js";
import { countFrames, streamDurations } from "../support/frame-compare.js";
import { startTinyMediaService, type TinyMediaService } from "../support/tiny-media-service.js";

/**
 * A 10-minute single-scene video, the case one worker could not finish inside Lambda's timeout at
 * full size, rendered in chunks across the local stack's 2 workers: the scene becomes 10 chunks
 * of a minute (VIDEOCRAFT_CHUNK_SECONDS), each a segment task, joined once. Reduced to 64×36 at
 * 2 fps, draft, so it stays quick; `bench/run.ts` renders the same shape at 1080p30.
 */
const MINUTES = 10;
const FPS = 2;
let stack: TinyMediaService;
let job: JobView;
let path: string;

beforeAll(async () => {
  stack = await startTinyMediaService("long", {
    workers: 2,
    fanout: true,
    env: { VIDEOCRAFT_CHUNK_SECONDS: "60" },
  });
  const { dir, client } = stack;
  await generateVideo(join(dir, "loop.mp4"), { seconds: 7, width: 64, height: 36, fps: 5 });
  const minute = (m: number) => m * 60;
  const { id } = await client.submit({
    resolution: "custom",
    width: 64,
    height: 36,
    fps: FPS,
    quality: "draft",
    // Music loops under the whole video; the background clip loops across every chunk boundary.
    elements: [{ type: "audio", src: `file://${join(dir, "tone.wav")}`, volume: 0.3 }],
    scenes: [
      {
        duration: minute(MINUTES),
        elements: [
          { type: "video", src: `file://${join(dir, "loop.mp4")}` },
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
      },
    ],
  });
  job = await client.waitForJob(id, { timeoutMs: 400_000, intervalMs: 250 });
  path = join(dir, "long.mp4");
  if (job.status === "completed") await client.downloadVideo(id, path);
}, 480_000);

afterAll(async () => {
  await stack?.stop();
});

describe("a 10-minute single-scene video on the local stack", () => {
  it("completes as 10 chunks rendered as segment tasks", async () => {
    expect(job).toMatchObject({ status: "completed", progress: 100 });
    const record = await stack.service.jobs.getStatus(job.id);
    expect(record?.segments).toEqual({ total: 10, cached: 0, fanout: true });
    const rendered = stack.log.lines.filter(
      (l) => l.message === "segment rendered" && l.text.includes(job.id),
    );
    expect(rendered.map((l) => JSON.parse(l.text).segment as number).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });

  it("has every frame of the 10 minutes, and the sound ends with the picture", async () => {
    expect(await countFrames(path)).toBe(MINUTES * 60 * FPS);
    const d = await streamDurations(path);
    expect(d.video).toBeCloseTo(MINUTES * 60, 3);
    expect(Math.abs(d.video! - d.audio!)).toBeLessThan(1 / FPS);
  });
});
