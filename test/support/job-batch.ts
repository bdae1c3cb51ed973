import { join } from "node:path";
import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { JobRecord } from "../../functions/core/jobs/job-record.js";
import { generateImage } from "../../local/generate-media.js";
import type { LocalService } from "../../local/local-service.js";

/**
 * Many jobs through the local stack at once, and the books kept afterwards: used by the concurrency
 * test (a few jobs, in seconds) and by `bench/load.ts` (hundreds, with figures).
 */

/**
 * The cheapest real render: 64×64, 10 fps, 0.2 s, draft, one 16×16 image (written into `dir`, which
 * the service must allow for `file://` sources).
 */
export async function tinyRenderProject(dir: string): Promise<unknown> {
  await generateImage(join(dir, "dot.png"), { width: 16, height: 16, color: "#ff0000" });
  return {
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
}

export interface Submitted {
  status: number;
  id: string | undefined;
  /** The answer carried `Idempotent-Replayed: true`. */
  replayed: boolean;
  ms: number;
}

/** One POST /v1/videos over HTTP, timed. */
export async function submitOver(
  service: LocalService,
  project: unknown,
  headers: Record<string, string> = {},
): Promise<Submitted> {
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

/** Polls the stored statuses of the jobs not finished yet until all are, or the deadline passes. */
export async function waitForAll(
  service: LocalService,
  ids: readonly string[],
  o: { timeoutMs: number; intervalMs?: number },
): Promise<Map<string, JobRecord>> {
  const done = new Map<string, JobRecord>();
  const deadline = Date.now() + o.timeoutMs;
  while (done.size < ids.length && Date.now() < deadline) {
    const pending = ids.filter((id) => !done.has(id));
    const records = await Promise.all(pending.map((id) => service.jobs.getStatus(id)));
    for (const r of records) {
      if (r && r.status !== "queued" && r.status !== "processing") done.set(r.id, r);
    }
    if (done.size < ids.length) await new Promise((r) => setTimeout(r, o.intervalMs ?? 250));
  }
  return done;
}

/** Messages waiting plus messages in flight. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const out = await sqs.send(
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

/**
 * Waits until the queue holds no message, waiting or in flight, and returns the depth then. A job's
 * final status is written before its handler returns, and the message is deleted after that, so
 * "every job finished" comes a moment before "the queue is empty".
 */
export async function drainedDepth(sqs: SQSClient, queueUrl: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const depth = await queueDepth(sqs, queueUrl);
    if (depth === 0 || Date.now() > deadline) return depth;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Everything that would show a job lost or done twice; all empty/zero when the books balance. */
export interface BatchBooks {
  /** Submitted ids that did not end `completed`, with the status they ended in. */
  notCompleted: string[];
  /** Ids given to more than one submit. */
  duplicateIds: string[];
  /** Jobs rendered more than once (`attempts` ≠ 1): a message handled twice. */
  renderedAgain: string[];
  /** Stored jobs that no submit answered with, and answered ids with no stored job. */
  extraJobs: string[];
  missingJobs: string[];
  /** Objects under `videos/` other than one MP4 and one poster per job. */
  extraOutputs: string[];
  missingOutputs: string[];
  /** Messages left on the render queue and its DLQ. */
  queued: number;
  deadLetters: number;
}

/**
 * The books of a batch: `before` = job ids stored before it was submitted, `ids` = the ids the
 * submits returned, `done` = their final records (from {@link waitForAll}).
 */
export async function balanceBooks(
  service: LocalService,
  sqs: SQSClient,
  batch: { before: ReadonlySet<string>; ids: readonly string[]; done: ReadonlyMap<string, JobRecord> },
): Promise<BatchBooks> {
  const { before, ids, done } = batch;
  const seen = new Set(ids);
  const duplicateIds = ids.filter((id, i) => ids.indexOf(id) !== i);
  const stored = (await service.jobs.listIds()).filter((id) => !before.has(id));
  const { keys } = await service.store.list("videos/");
  const expected = new Set([...before, ...ids].flatMap((id) => [`videos/${id}.jpg`, `videos/${id}.mp4`]));
  const outputs = new Set(keys);
  return {
    notCompleted: ids
      .filter((id) => done.get(id)?.status !== "completed")
      .map((id) => `${id} ${done.get(id)?.status ?? "unfinished"}`),
    duplicateIds,
    renderedAgain: ids.filter((id) => done.get(id) !== undefined && done.get(id)?.attempts !== 1),
    extraJobs: stored.filter((id) => !seen.has(id)),
    missingJobs: [...seen].filter((id) => !stored.includes(id)),
    extraOutputs: keys.filter((k) => !expected.has(k)),
    missingOutputs: [...expected].filter((k) => !outputs.has(k)),
    queued: await drainedDepth(sqs, service.stack.queueUrl),
    deadLetters: await drainedDepth(sqs, service.stack.dlqUrl, 0),
  };
}

export const BALANCED: BatchBooks = {
  notCompleted: [],
  duplicateIds: [],
  renderedAgain: [],
  extraJobs: [],
  missingJobs: [],
  extraOutputs: [],
  missingOutputs: [],
  queued: 0,
  deadLetters: 0,
};

/** Nearest-rank percentile of an ascending list. */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
