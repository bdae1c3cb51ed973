import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsClients, createAwsClients } from "../../functions/adapters/aws-clients.js";
import type { JobRecord } from "../../functions/core/jobs/job-record.js";
import { generateImage } from "../../local/generate-media.js";
import { type LocalService, startLocalService } from "../../local/local-service.js";

/**
 * Load on the local stack over HTTP on 127.0.0.1: N concurrent submits (default 200) of a tiny
 * render (64×64, 0.2 s, draft preset, one local image), then every job is followed to its end.
 * Asserts nothing is lost (every id completed, queues drained, nothing in the DLQ) and nothing is
 * duplicated (distinct ids, one render attempt each, exactly one MP4 + poster per job), and that
 * concurrent requests sharing an Idempotency-Key make one job. Prints throughput and latency.
 *
 * VIDEOCRAFT_LOAD_JOBS and VIDEOCRAFT_LOCAL_WORKERS override the job count and worker loops.
 * On a 2-core machine the renders, not the API, set the wall time (see the printed figures).
 */
const JOBS = Number(process.env.VIDEOCRAFT_LOAD_JOBS ?? 200);
const WORKERS = Number(process.env.VIDEOCRAFT_LOCAL_WORKERS ?? 2);
const RENDER_DEADLINE_MS = 600_000;

let dir: string;
let service: LocalService;
let clients: AwsClients;
let project: unknown;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-load-"));
  await generateImage(join(dir, "dot.png"), { width: 16, height: 16, color: "#ff0000" });
  project = {
    width: 64,
    height: 64,
    fps: 10,
    quality: "draft",
    scenes: [
      {
        duration: 0.2,
        "background-color": "#112233",
        elements: [{ type: "image", src: `file://${join(dir, "dot.png")}` }],
      },
    ],
  };
  service = await startLocalService({
    env: { VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir, VIDEOCRAFT_FFMPEG_PRESET: "ultrafast" },
    workers: WORKERS,
  });
  clients = createAwsClients({ region: "us-east-1", awsEndpoint: service.stack.endpoint });
}, 60_000);

afterAll(async () => {
  clients?.s3.destroy();
  clients?.sqs.destroy();
  await service?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function post(headers: Record<string, string> = {}) {
  const t0 = performance.now();
  const res = await fetch(`${service.url}/v1/videos`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": service.apiKey, ...headers },
    body: JSON.stringify(project),
  });
  const body = (await res.json()) as { id?: string };
  return {
    status: res.status,
    id: body.id,
    replayed: res.headers.get("idempotent-replayed") === "true",
    ms: performance.now() - t0,
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

/** Polls the stored statuses of the jobs not finished yet until all are, or the deadline passes. */
async function waitForAll(ids: string[], deadlineMs: number): Promise<Map<string, JobRecord>> {
  const done = new Map<string, JobRecord>();
  const deadline = Date.now() + deadlineMs;
  while (done.size < ids.length && Date.now() < deadline) {
    const pending = ids.filter((id) => !done.has(id));
    const records = await Promise.all(pending.map((id) => service.jobs.getStatus(id)));
    for (const r of records) {
      if (r && r.status !== "queued" && r.status !== "processing") done.set(r.id, r);
    }
    if (done.size < ids.length) await new Promise((r) => setTimeout(r, 1000));
  }
  return done;
}

async function queueDepth(queueUrl: string): Promise<number> {
  const out = await clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

describe("load on the local stack", () => {
  it("20 concurrent requests with one Idempotency-Key create one job", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => post({ "idempotency-key": "load-test-same-key" })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(202));
    const ids = new Set(results.map((r) => r.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await service.jobs.listIds()).toEqual([...ids]);
    const id = results[0]?.id as string;
    const done = await waitForAll([id], 60_000);
    expect(done.get(id)?.status).toBe("completed");
  }, 90_000);

  it(
    `${JOBS} concurrent submits: all distinct, all completed, none lost or duplicated`,
    async () => {
      const before = new Set(await service.jobs.listIds());
      const t0 = performance.now();
      const results = await Promise.all(Array.from({ length: JOBS }, () => post()));
      const submitSeconds = (performance.now() - t0) / 1000;

      expect(results.filter((r) => r.status !== 202)).toEqual([]);
      const ids = results.map((r) => r.id as string);
      expect(new Set(ids).size).toBe(JOBS);
      const latencies = results.map((r) => r.ms).sort((a, b) => a - b);

      const done = await waitForAll(ids, RENDER_DEADLINE_MS);
      const allSeconds = (performance.now() - t0) / 1000;
      const notCompleted = ids.filter((id) => done.get(id)?.status !== "completed");
      expect(notCompleted).toEqual([]);
      // One render attempt each: no message was handled twice.
      expect(ids.filter((id) => done.get(id)?.attempts !== 1)).toEqual([]);

      // Exactly the new jobs exist, each with one MP4 and one poster, and nothing else was written.
      const after = (await service.jobs.listIds()).filter((id) => !before.has(id));
      expect(after.sort()).toEqual([...ids].sort());
      const { keys } = await service.store.list("videos/");
      const expected = [...before, ...ids].flatMap((id) => [`videos/${id}.jpg`, `videos/${id}.mp4`]).sort();
      expect(keys.sort()).toEqual(expected);
      expect(await queueDepth(service.stack.queueUrl)).toBe(0);
      expect(await queueDepth(service.stack.dlqUrl)).toBe(0);

      const renderSeconds = ids.map((id) => {
        const r = done.get(id) as JobRecord;
        return (Date.parse(r.finished_at ?? "") - Date.parse(r.started_at ?? "")) / 1000;
      });
      const meanRender = renderSeconds.reduce((a, b) => a + b, 0) / renderSeconds.length;
      console.log(
        `load: ${JOBS} concurrent submits in ${submitSeconds.toFixed(2)} s = ${(JOBS / submitSeconds).toFixed(1)} submits/s; ` +
          `submit latency p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, ` +
          `max ${latencies.at(-1)?.toFixed(0)} ms; all ${JOBS} completed after ${allSeconds.toFixed(1)} s with ` +
          `${WORKERS} worker(s) = ${(JOBS / allSeconds).toFixed(2)} renders/s (mean ${meanRender.toFixed(2)} s per render)`,
      );
    },
    RENDER_DEADLINE_MS + 60_000,
  );
});
