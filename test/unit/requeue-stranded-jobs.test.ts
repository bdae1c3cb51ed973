import { ulid } from "ulid";
import { describe, expect, it } from "vitest";
import type { JobRecord, JobStatus } from "../../functions/core/jobs/job-record.js";
import { JobStore } from "../../functions/core/jobs/job-store.js";
import { InMemoryObjectStore } from "../../functions/core/ports/in-memory-object-store.js";
import { requeueStrandedJobs } from "../../local/requeue-stranded-jobs.js";
import { MemoryQueue } from "./api/test-api.js";

const NOW = new Date("2025-06-01T12:00:00Z");
const HOUR = 3600_000;

async function job(jobs: JobStore, status: JobStatus, ageMs = HOUR): Promise<string> {
  const id = ulid(NOW.getTime() - ageMs);
  const record: JobRecord = {
    id,
    status,
    progress: 0,
    step: status === "queued" ? "queued" : "rendering",
    warnings: [],
    attempts: 0,
    created_at: new Date(NOW.getTime() - ageMs).toISOString(),
    updated_at: NOW.toISOString(),
  };
  await jobs.putStatus(record);
  return id;
}

describe("requeueStrandedJobs (start-up repair of a durable local stack)", () => {
  it("sends the job message again for unfinished jobs no queue holds, and for nothing else", async () => {
    const jobs = new JobStore(new InMemoryObjectStore());
    const queue = new MemoryQueue();
    const strandedQueued = await job(jobs, "queued");
    const strandedProcessing = await job(jobs, "processing");
    const waiting = await job(jobs, "queued");
    const fannedOut = await job(jobs, "processing");
    const deadLettered = await job(jobs, "processing");
    await job(jobs, "completed");
    await job(jobs, "failed");
    await job(jobs, "cancelled");
    // Older than SQS keeps a message: on AWS that message would be gone too.
    await job(jobs, "queued", 5 * 24 * HOUR);

    const requeued = await requeueStrandedJobs({
      jobs,
      queue,
      pendingBodies: [
        JSON.stringify({ jobId: waiting }),
        JSON.stringify({ jobId: fannedOut, segment: 2 }),
        JSON.stringify({ jobId: deadLettered }),
        "not a render message",
      ],
      now: NOW,
    });

    expect(requeued.sort()).toEqual([strandedQueued, strandedProcessing].sort());
    expect(queue.messages.map((m) => m.jobId).sort()).toEqual([strandedQueued, strandedProcessing].sort());
  });

  it("sends nothing when every unfinished job has a message", async () => {
    const jobs = new JobStore(new InMemoryObjectStore());
    const queue = new MemoryQueue();
    const id = await job(jobs, "processing");
    expect(
      await requeueStrandedJobs({ jobs, queue, pendingBodies: [JSON.stringify({ jobId: id })], now: NOW }),
    ).toEqual([]);
    expect(queue.messages).toEqual([]);
  });
});
