/**
 * Benchmark of the scene cache and fan-out, on the embedded stack with the real worker loops:
 *  - scene cache: full render of an 8-scene project, then the same project with 1 scene changed
 *    (target: re-render ≤ 0.2× the full render);
 *  - fan-out: the same 8-scene project rendered by 1 worker (single-worker path) and by 2 local
 *    worker loops with fan-out on (each on a fresh emulator, so nothing comes from the cache).
 * Not a test; see bench/README.md.
 *
 *   npx tsx bench/rerender.ts [--quick] [--json] [--scene-seconds S]
 */
import { mkdir, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { silentLog } from "../functions/core/ports/log.js";
import { ApiClient } from "../local/api-client.js";
import { generateImage, generateTone, generateVideo } from "../local/generate-media.js";
import { type LocalService, startLocalService } from "../local/local-service.js";

const { values: opts } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    "scene-seconds": { type: "string" },
  },
});
const quick = opts.quick ?? false;
const SCENES = 8;
const SCENE_SECONDS = Number(opts["scene-seconds"] ?? (quick ? 1 : 3));
const RESOLUTION = quick ? "640x360" : "1280x720";
const COLORS = ["#aa0000", "#00aa00", "#0000aa", "#aaaa00", "#00aaaa", "#aa00aa", "#888888", "#222222"];

const dir = join(tmpdir(), "videocraft-bench-rerender");
const media = (name: string) => `file://${join(dir, name)}`;

/** Each scene: its colour, a looped background clip in a box, an image, narration in scene 0. */
function project(changedScene?: number) {
  return {
    resolution: RESOLUTION,
    fps: 30,
    scenes: COLORS.slice(0, SCENES).map((color, i) => ({
      duration: SCENE_SECONDS,
      "background-color": i === changedScene ? "#ffffff" : color,
      elements: [
        { type: "video", src: media("clip.mp4"), x: 40, y: 40, width: 480, height: 270, loop: true },
        { type: "image", src: media("logo.png"), x: 560, y: 40 },
        ...(i === 0 ? [{ type: "audio", src: media("voice.wav") }] : []),
      ],
    })),
  };
}

async function withService<T>(
  options: { workers: number; fanout: boolean },
  fn: (client: ApiClient, service: LocalService) => Promise<T>,
): Promise<T> {
  const service = await startLocalService({
    env: { VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir, VIDEOCRAFT_WORK_DIR: join(dir, "work") },
    workers: options.workers,
    fanout: options.fanout,
    log: silentLog,
  });
  try {
    return await fn(new ApiClient(service.url, service.apiKey), service);
  } finally {
    await service.stop();
  }
}

async function timedRender(client: ApiClient, service: LocalService, body: unknown) {
  const t0 = performance.now();
  const { id } = await client.submit(body);
  const job = await client.waitForJob(id, { timeoutMs: 600_000, intervalMs: 50 });
  const seconds = (performance.now() - t0) / 1000;
  if (job.status !== "completed") throw new Error(`job ${id} ended ${job.status}: ${job.error?.message}`);
  return { seconds, segments: (await service.jobs.getStatus(id))?.segments };
}

async function main() {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await Promise.all([
    generateVideo(join(dir, "clip.mp4"), { seconds: 2, width: 640, height: 360, fps: 30 }),
    generateImage(join(dir, "logo.png"), { width: 200, height: 120, color: "#f0f0f0" }),
    generateTone(join(dir, "voice.wav"), { seconds: SCENE_SECONDS }),
  ]);
  const video = `${SCENES} scenes × ${SCENE_SECONDS} s, ${RESOLUTION}, 30 fps, default quality`;

  const cache = await withService({ workers: 1, fanout: false }, async (client, service) => {
    const full = await timedRender(client, service, project());
    const changed = await timedRender(client, service, project(3));
    const unchanged = await timedRender(client, service, project());
    return { full, changed, unchanged };
  });
  const fanout = await withService({ workers: 2, fanout: true }, (client, service) =>
    timedRender(client, service, project()),
  );

  const figures = {
    video,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    fullSeconds: cache.full.seconds,
    rerenderOneChangedSeconds: cache.changed.seconds,
    rerenderRatio: cache.changed.seconds / cache.full.seconds,
    rerenderSegments: cache.changed.segments,
    rerenderUnchangedSeconds: cache.unchanged.seconds,
    singleWorkerSeconds: cache.full.seconds,
    fanout2WorkersSeconds: fanout.seconds,
    fanoutRatio: fanout.seconds / cache.full.seconds,
  };
  const f = (s: number) => `${s.toFixed(2)} s`;
  console.log(`\nRe-render and fan-out (${video}; ${figures.cpus} × ${figures.cpuModel})\n`);
  console.log("| run | wall | ratio |");
  console.log("|---|---|---|");
  console.log(`| full render, 1 worker, empty cache | ${f(cache.full.seconds)} | 1.00 |`);
  console.log(
    `| re-render, scene 3 changed (${cache.changed.segments?.cached}/${cache.changed.segments?.total} segments cached) | ${f(cache.changed.seconds)} | ${figures.rerenderRatio.toFixed(2)} (target ≤ 0.20) |`,
  );
  console.log(
    `| re-render, nothing changed | ${f(cache.unchanged.seconds)} | ${(cache.unchanged.seconds / cache.full.seconds).toFixed(2)} |`,
  );
  console.log(
    `| fan-out, 2 local workers, empty cache | ${f(fanout.seconds)} | ${figures.fanoutRatio.toFixed(2)} |`,
  );
  if (opts.json) console.log(JSON.stringify(figures));
  await rm(dir, { recursive: true, force: true });
}

await main();
