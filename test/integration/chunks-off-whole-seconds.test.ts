import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobView } from "../../local/api-client.js";
import { generateVideo } from "../../local/generate-media.js";
import { countFrames, streamDurations } from "../support/frame-compare.js";
import { startTinyMediaService, type TinyMediaService } from "../support/tiny-media-service.js";

/**
 * Chunks that start between whole seconds, as automatic chunk lengths make them (a 10-minute scene
 * in 9 chunks starts one every 66.67 s): 2 minutes at 30 fps with 14 s chunks become 9 chunks of
 * 400 frames (13.33 s). MP4 keeps each part's length in whole milliseconds, so without the exact
 * part lengths in the concat list every join after such a chunk moved the picture later than the
 * sound (120.005 s of video over 120 s of audio), and a looping clip entered off a whole second
 * repeated a frame.
 */
const SECONDS = 120;
const FPS = 30;
let stack: TinyMediaService;
let job: JobView;
let path: string;

beforeAll(async () => {
  stack = await startTinyMediaService("off-second", {
    workers: 2,
    fanout: true,
    env: { VIDEOCRAFT_CHUNK_SECONDS: "14" },
  });
  const { dir, client } = stack;
  await generateVideo(join(dir, "loop.mp4"), { seconds: 7, width: 64, height: 36, fps: 25 });
  const { id } = await client.submit({
    resolution: "custom",
    width: 64,
    height: 36,
    fps: FPS,
    quality: "draft",
    elements: [{ type: "audio", src: `file://${join(dir, "tone.wav")}`, volume: 0.3 }],
    scenes: [{ duration: SECONDS, elements: [{ type: "video", src: `file://${join(dir, "loop.mp4")}` }] }],
  });
  job = await client.waitForJob(id, { timeoutMs: 300_000, intervalMs: 250 });
  path = join(dir, "off-second.mp4");
  if (job.status === "completed") await client.downloadVideo(id, path);
}, 360_000);

afterAll(async () => {
  await stack?.stop();
});

describe("a scene chunked between whole seconds", () => {
  it("is rendered as 9 chunks", async () => {
    expect(job).toMatchObject({ status: "completed" });
    const record = await stack.service.jobs.getStatus(job.id);
    expect(record?.segments).toEqual({ total: 9, cached: 0, fanout: true });
  });

  it("has every frame, and picture and sound end together to the millisecond", async () => {
    expect(await countFrames(path)).toBe(SECONDS * FPS);
    const d = await streamDurations(path);
    expect(d.video).toBeCloseTo(SECONDS, 3);
    expect(Math.abs((d.video ?? 0) - (d.audio ?? 0))).toBeLessThan(0.001);
  });
});
