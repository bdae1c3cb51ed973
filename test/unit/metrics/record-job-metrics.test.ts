import type { SQSEvent } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../../functions/core/config.js";
import type { JobRecord } from "../../../functions/core/jobs/job-record.js";
import { JobStore } from "../../../functions/core/jobs/job-store.js";
import type { MetricKey } from "../../../functions/core/metric-names.js";
import { InMemoryObjectStore } from "../../../functions/core/ports/in-memory-object-store.js";
import { silentLog } from "../../../functions/core/ports/log.js";
import type { Metrics } from "../../../functions/core/ports/metrics.js";
import type { Project } from "../../../functions/core/schema/project.js";
import { createRenderHandler } from "../../../functions/render/create-render-handler.js";
import { recordJobMetrics, startActiveJobHeartbeat } from "../../../functions/render/record-job-metrics.js";

const ID = "01JNCWJ9M6T0V2XKZB1S6H7Q8R";

class RecordingMetrics implements Metrics {
  readonly recorded: { metric: MetricKey; value: number; dimensions?: Record<string, string> }[] = [];
  flushes = 0;
  record(metric: MetricKey, value: number, dimensions?: Record<string, string>) {
    this.recorded.push({ metric, value, ...(dimensions ? { dimensions } : {}) });
  }
  flush() {
    this.flushes++;
  }
}

const record = (patch: Partial<JobRecord>): JobRecord => ({
  id: ID,
  status: "completed",
  progress: 100,
  step: "done",
  created_at: "2025-03-04T05:00:00.000Z",
  updated_at: "2025-03-04T05:01:40.000Z",
  started_at: "2025-03-04T05:00:20.000Z",
  finished_at: "2025-03-04T05:01:40.000Z",
  duration_seconds: 40,
  warnings: [],
  attempts: 1,
  ...patch,
});

async function setup(patch: Partial<JobRecord>, fps?: number) {
  const jobs = new JobStore(new InMemoryObjectStore());
  await jobs.putStatus(record(patch));
  if (fps !== undefined) await jobs.putRequest(ID, { fps } as unknown as Project);
  return { jobs, metrics: new RecordingMetrics(), log: silentLog };
}

const ATTEMPT_START = new Date("2025-03-04T05:00:30.000Z");

afterEach(() => vi.useRealTimers());

describe("render job metrics", () => {
  it("a job this attempt completed: JobSeconds = finished − started, RenderFps = frames per job second", async () => {
    const deps = await setup({}, 25);
    await recordJobMetrics(ID, ATTEMPT_START, deps);
    expect(deps.metrics.recorded).toEqual([
      { metric: "jobSeconds", value: 80 },
      { metric: "renderFps", value: (40 * 25) / 80 },
    ]);
    expect(deps.metrics.flushes).toBe(1);
  });

  it("a job this attempt failed: one JobFailures with its code", async () => {
    const deps = await setup({ status: "failed", error: { code: "SOURCE_UNREACHABLE", message: "x" } });
    await recordJobMetrics(ID, ATTEMPT_START, deps);
    expect(deps.metrics.recorded).toEqual([
      { metric: "jobFailures", value: 1, dimensions: { Code: "SOURCE_UNREACHABLE" } },
    ]);
  });

  it("counts nothing for a job finished before this attempt (duplicate delivery), unfinished or cancelled", async () => {
    for (const patch of [
      {},
      { status: "processing", finished_at: undefined },
      { status: "cancelled", error: { code: "CANCELLED", message: "x" } },
    ] as Partial<JobRecord>[]) {
      const deps = await setup(patch);
      const start = patch.status === undefined ? new Date("2025-03-04T05:02:00.000Z") : ATTEMPT_START;
      await recordJobMetrics(ID, start, deps);
      expect(deps.metrics.recorded).toEqual([]);
    }
  });

  it("never fails the render when the status cannot be read", async () => {
    const deps = await setup({});
    const jobs = { getStatus: async () => Promise.reject(new Error("S3 down")) } as unknown as JobStore;
    await expect(recordJobMetrics(ID, ATTEMPT_START, { ...deps, jobs })).resolves.toBeUndefined();
    expect(deps.metrics.recorded).toEqual([]);
  });

  it("ActiveJobs: a 1 at start and every minute until stopped, flushed each time", () => {
    vi.useFakeTimers();
    const metrics = new RecordingMetrics();
    const heartbeat = startActiveJobHeartbeat(metrics);
    vi.advanceTimersByTime(150_000);
    heartbeat.stop();
    vi.advanceTimersByTime(300_000);
    expect(metrics.recorded).toEqual(Array(3).fill({ metric: "activeJobs", value: 1 }));
    expect(metrics.flushes).toBe(3);
  });

  it("the render handler emits ActiveJobs but no job figures for a duplicate delivery", async () => {
    const { jobs, metrics } = await setup({});
    const store = new InMemoryObjectStore();
    const handler = createRenderHandler({
      config: loadConfig({
        VIDEOCRAFT_BUCKET: "b-test",
        VIDEOCRAFT_QUEUE_URL: "http://127.0.0.1:1/q",
        VIDEOCRAFT_AUTH: "gateway",
      }),
      store,
      jobs,
      clock: { now: () => new Date("2025-03-04T06:00:00.000Z") },
      log: silentLog,
      metrics,
      whisper: { binary: "whisper-cli", modelPath: "model.bin", model: "base.en" },
    });
    const event = {
      Records: [
        {
          messageId: "m1",
          body: JSON.stringify({ jobId: ID }),
          attributes: { ApproximateReceiveCount: "2" },
        },
      ],
    } as unknown as SQSEvent;
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(metrics.recorded).toEqual([{ metric: "activeJobs", value: 1 }]);
  });
});
