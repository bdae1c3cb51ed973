import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateVideo } from "../../local/generate-media.js";
import { childProcesses, descendants, isRunning } from "../support/child-processes.js";
import { startTinyMediaService, type TinyMediaService } from "../support/tiny-media-service.js";
import { until } from "../support/until.js";

/**
 * Renders run in a render worker process of their own, so encodes never share the API's event
 * loop; when that process dies its encoders die with it, the job it held is handed out again at
 * once (not after the queue's 60 s visibility timeout), a new one takes over the queue, and its
 * log lines and metrics still reach the service.
 */
let t: TinyMediaService;

/** The render queue's visibility timeout (local/embedded-stack.ts). */
const VISIBILITY_TIMEOUT_MS = 60_000;

beforeAll(async () => {
  t = await startTinyMediaService("workerproc");
  await generateVideo(`${t.dir}/clip.mp4`, { seconds: 2, width: 320, height: 240, fps: 30 });
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

const commandLine = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "";
  }
};

describe("the render worker process", () => {
  it("runs the encoders; killed, it takes them along, and the job it held renders at once on a new one", async () => {
    const first = t.service.workers?.pid;
    expect(first).toBeGreaterThan(0);
    expect(first).not.toBe(process.pid);
    // Long enough (several seconds of x264) to be certainly mid-encode when its worker is killed.
    const held = await t.client.submit({
      resolution: "1280x720",
      scenes: [{ duration: 30, elements: [{ type: "video", src: `file://${t.dir}/clip.mp4`, loop: true }] }],
    });
    const encoder = await until(
      () =>
        descendants(first ?? -1).find((p) => p.comm === "ffmpeg" && commandLine(p.pid).includes("libx264")),
      { timeoutMs: 60_000, intervalMs: 10, what: "the encode to start in the worker process" },
    );
    // The API's process (this one, here) starts no encoder of its own.
    expect(childProcesses("ffmpeg")).toEqual([]);

    const group = descendants(first ?? -1);
    process.kill(first ?? -1, "SIGKILL");
    const killedAt = Date.now();
    await until(() => !isRunning(encoder.pid) && !group.some((p) => isRunning(p.pid)), {
      timeoutMs: 5_000,
      intervalMs: 25,
      what: "the killed worker's encoder to exit",
    });
    const second = await until(() => t.service.workers?.pid !== first && t.service.workers?.pid, {
      timeoutMs: 30_000,
      what: "a new render worker process",
    });
    expect(isRunning(second)).toBe(true);

    // The new worker picks the job up again well before its message would have become visible
    // by itself (the safety timeout is longer, so a wait for the visibility timeout shows as such).
    const retaken = await until(
      async () => ((await t.service.jobs.getStatus(held.id))?.attempts ?? 0) >= 2 && Date.now(),
      { timeoutMs: 2 * VISIBILITY_TIMEOUT_MS, intervalMs: 100, what: "the held job's second attempt" },
    );
    expect(retaken - killedAt).toBeLessThan(VISIBILITY_TIMEOUT_MS / 2);
    const done = await t.client.waitForJob(held.id, { timeoutMs: 120_000 });
    expect(done.status).toBe("completed");
    expect((await t.service.jobs.getStatus(held.id))?.attempts).toBe(2);

    const next = await t.client.submit({
      width: 64,
      height: 64,
      fps: 10,
      quality: "draft",
      scenes: [{ duration: 0.2, elements: [{ type: "image", src: `file://${t.dir}/dot.png` }] }],
    });
    expect((await t.client.waitForJob(next.id, { timeoutMs: 60_000 })).status).toBe("completed");

    expect(t.log.errors().map((l) => l.message)).toContain("render worker process died; starting a new one");
    // Metrics recorded in the worker process answer GET /v1/metrics in the service's.
    const metrics = await t.client.request("GET", "/v1/metrics?period=1h");
    expect(metrics.status).toBe(200);
    expect((metrics.body as { jobs: { completed: number } }).jobs.completed).toBeGreaterThanOrEqual(2);
  }, 360_000);
});
