import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateVideo } from "../../local/generate-media.js";
import { childProcesses, descendants, isRunning } from "../support/child-processes.js";
import { startTinyMediaService, type TinyMediaService } from "../support/tiny-media-service.js";
import { until } from "../support/until.js";

/**
 * Renders run in a render worker process of their own, so encodes never share the API's event
 * loop; when that process dies its encoders die with it, a new one takes over the queue, and its
 * log lines and metrics still reach the service.
 */
let t: TinyMediaService;

beforeAll(async () => {
  // A slow encode (veryslow) that is certainly still running when its worker is killed.
  t = await startTinyMediaService("workerproc", { env: { VIDEOCRAFT_FFMPEG_PRESET: "veryslow" } });
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
  it("runs the encoders; killed, it takes them along and a new one renders the next job", async () => {
    const first = t.service.workers?.pid;
    expect(first).toBeGreaterThan(0);
    expect(first).not.toBe(process.pid);
    const slow = await t.client.submit({
      resolution: "640x360",
      scenes: [{ duration: 30, elements: [{ type: "video", src: `file://${t.dir}/clip.mp4`, loop: true }] }],
    });
    const encoder = await until(
      () =>
        descendants(first ?? -1).find((p) => p.comm === "ffmpeg" && commandLine(p.pid).includes("libx264")),
      { timeoutMs: 60_000, intervalMs: 25, what: "the encode to start in the worker process" },
    );
    // The API's process (this one, here) starts no encoder of its own.
    expect(childProcesses("ffmpeg")).toEqual([]);
    expect((await t.client.getJob(slow.id)).status).toBe("processing");

    const group = descendants(first ?? -1);
    process.kill(first ?? -1, "SIGKILL");
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
    expect((metrics.body as { jobs: { completed: number } }).jobs.completed).toBeGreaterThanOrEqual(1);
  }, 180_000);
});
