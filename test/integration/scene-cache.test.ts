import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiClient } from "../../local/api-client.js";
import type { LocalService } from "../../local/local-service.js";
import type { CaptureLog } from "../support/capture-log.js";
import { ffprobe, grabFrame, near } from "../support/media-probe.js";
import { SCENE_COLORS } from "../support/scene-colors.js";
import { startTinyMediaService, type TinyMediaService } from "../support/tiny-media-service.js";

/**
 * Scene cache: a scene's segment is cached under a hash of its command, encoder settings and
 * its sources' content; resubmitting a project with one of 8 scenes changed encodes only that one.
 */
let dir: string;
let service: LocalService;
let client: ApiClient;
let log: CaptureLog;

const SCENE_SECONDS = 0.5;

function project(changedScene?: number) {
  return {
    resolution: "160x120",
    fps: 10,
    quality: "draft",
    scenes: SCENE_COLORS.map(([color], i) => ({
      duration: SCENE_SECONDS,
      "background-color": i === changedScene ? "#000000" : color,
      elements: [
        { type: "image", src: `file://${join(dir, "dot.png")}`, x: 4, y: 4 },
        ...(i === 0 ? [{ type: "audio", src: `file://${join(dir, "tone.wav")}` }] : []),
      ],
    })),
  };
}

async function render(body: unknown, name: string) {
  const t0 = Date.now();
  const { id } = await client.submit(body);
  const job = await client.waitForJob(id, { timeoutMs: 120_000, intervalMs: 100 });
  const seconds = (Date.now() - t0) / 1000;
  const path = join(dir, `${name}.mp4`);
  if (job.status === "completed") await client.downloadVideo(id, path);
  return { job, seconds, path, record: await service.jobs.getStatus(id) };
}

let stack: TinyMediaService;

beforeAll(async () => {
  stack = await startTinyMediaService("cache", {});
  ({ dir, service, client, log } = stack);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe("scene cache: one of 8 scenes changed", () => {
  let full: Awaited<ReturnType<typeof render>>;
  let again: Awaited<ReturnType<typeof render>>;
  const CHANGED = 5;
  let cachedAfterFirst = 0;

  beforeAll(async () => {
    full = await render(project(), "full");
    cachedAfterFirst = (await service.store.list("cache/segments/")).keys.length;
    again = await render(project(CHANGED), "again");
    console.log(
      `scene cache (8 × ${SCENE_SECONDS} s, 160x120): full ${full.seconds.toFixed(2)} s, ` +
        `re-render with 1 scene changed ${again.seconds.toFixed(2)} s, ratio ${(again.seconds / full.seconds).toFixed(2)}`,
    );
  }, 240_000);

  it("the first render encodes all 8 scenes and fills the cache", async () => {
    expect(full.job.status).toBe("completed");
    expect(full.record?.segments).toEqual({ total: 8, cached: 0 });
    expect(cachedAfterFirst).toBe(8);
  });

  it("the resubmission encodes only the changed scene", async () => {
    expect(again.job.status).toBe("completed");
    expect(again.record?.segments).toEqual({ total: 8, cached: 7 });
    const { keys } = await service.store.list("cache/segments/");
    expect(keys).toHaveLength(9);
    const completed = log.lines.filter((l) => l.message === "job completed");
    expect(completed.map((l) => JSON.parse(l.text).segments)).toEqual([
      { total: 8, cached: 0 },
      { total: 8, cached: 7 },
    ]);
  });

  it("the re-rendered video is right: length, and each scene's colour including the new one", async () => {
    const probe = await ffprobe(again.path);
    expect(Math.abs(probe.duration - 8 * SCENE_SECONDS)).toBeLessThanOrEqual(0.1);
    for (const [i, [, rgb]] of SCENE_COLORS.entries()) {
      const frame = await grabFrame(again.path, i * SCENE_SECONDS + SCENE_SECONDS / 2);
      expect(near(frame.pixel(120, 90), i === CHANGED ? [0, 0, 0] : rgb), `scene ${i}`).toBe(true);
    }
  });
});
