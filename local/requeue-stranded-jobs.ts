import { decodeTime } from "ulid";
import { TERMINAL_STATUSES } from "../functions/core/jobs/job-record.js";
import type { JobStore } from "../functions/core/jobs/job-store.js";
import type { JobQueue } from "../functions/core/ports/job-queue.js";
import { parseRenderMessage } from "../functions/render/render-message.js";

/** SQS's default message retention: an older job's message would be gone on AWS too. */
const LOOK_BACK_MS = 4 * 24 * 3600_000;
const PARALLEL_READS = 8;

/**
 * Start-up repair of a durable local stack, run before the API and the workers start: a job that
 * is still queued or processing while no queue holds any message for it would wait forever (the
 * API was killed between storing the job and sending its message, or a worker between two steps
 * of a fanned-out job). Each such job gets its job message again; the job records are the truth,
 * the queues only say what is left to do. Returns the ids sent again.
 */
export async function requeueStrandedJobs(o: {
  jobs: JobStore;
  queue: JobQueue;
  /** Bodies of every message in every queue (ready, delayed, in flight, dead-lettered). */
  pendingBodies: readonly string[];
  now: Date;
}): Promise<string[]> {
  const pending = new Set(o.pendingBodies.map((b) => parseRenderMessage(b)?.jobId).filter(Boolean));
  const since = o.now.getTime() - LOOK_BACK_MS;
  const candidates = (await o.jobs.listIds()).filter((id) => !pending.has(id) && decodeTime(id) >= since);
  const stranded: string[] = [];
  for (let i = 0; i < candidates.length; i += PARALLEL_READS) {
    const batch = candidates.slice(i, i + PARALLEL_READS);
    const records = await Promise.all(batch.map((id) => o.jobs.getStatus(id)));
    for (const record of records) {
      if (record && !TERMINAL_STATUSES.has(record.status)) stranded.push(record.id);
    }
  }
  for (const jobId of stranded) await o.queue.send({ jobId });
  return stranded;
}
