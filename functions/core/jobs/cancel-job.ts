import { ConflictError } from "../errors.js";
import { getJobRecord } from "./get-job-record.js";
import { type JobView, toJobView } from "./get-job-view.js";
import type { JobDeps } from "./job-deps.js";
import { type JobRecord, TERMINAL_STATUSES } from "./job-record.js";
import { JobStore } from "./job-store.js";

type CancelDeps = Pick<JobDeps, "config" | "store" | "clock">;

/**
 * Cancels `owner`'s queued or processing job and returns its record. The marker tells a running
 * worker to stop at its next check; a queued job is marked cancelled at once, and the worker that
 * later receives its message sees the marker and drops it.
 */
export async function cancelJobRecord(id: string, owner: string, deps: CancelDeps): Promise<JobRecord> {
  const record = await getJobRecord(id, owner, deps);
  if (TERMINAL_STATUSES.has(record.status)) {
    throw new ConflictError(`job ${id} is already ${record.status}`);
  }
  const jobStore = new JobStore(deps.store);
  await jobStore.requestCancel(id);
  if (record.status !== "queued") return record;
  const now = deps.clock.now().toISOString();
  const cancelled: JobRecord = {
    ...record,
    status: "cancelled",
    error: { code: "CANCELLED", message: "cancelled by the client" },
    finished_at: now,
    updated_at: now,
  };
  await jobStore.putStatus(cancelled);
  return cancelled;
}

/** {@link cancelJobRecord}, answered as the job's view. */
export async function cancelJob(id: string, owner: string, deps: CancelDeps): Promise<JobView> {
  return toJobView(await cancelJobRecord(id, owner, deps), deps);
}
