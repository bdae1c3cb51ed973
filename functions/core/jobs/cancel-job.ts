import { ConflictError } from "../errors.js";
import { getJobRecord } from "./get-job-record.js";
import { type JobView, toJobView } from "./get-job-view.js";
import type { JobDeps } from "./job-deps.js";
import { TERMINAL_STATUSES } from "./job-record.js";
import { JobStore } from "./job-store.js";

/**
 * Cancels a queued or processing job. The marker tells a running worker to stop at its next
 * check; a queued job is marked cancelled at once, and the worker that later receives its
 * message sees the marker and drops it.
 */
export async function cancelJob(
  id: string,
  owner: string,
  deps: Pick<JobDeps, "config" | "store" | "clock">,
): Promise<JobView> {
  const record = await getJobRecord(id, owner, deps);
  if (TERMINAL_STATUSES.has(record.status)) {
    throw new ConflictError(`job ${id} is already ${record.status}`);
  }
  const jobStore = new JobStore(deps.store);
  await jobStore.requestCancel(id);
  if (record.status !== "queued") return toJobView(record, deps);
  const now = deps.clock.now().toISOString();
  const cancelled = {
    ...record,
    status: "cancelled" as const,
    error: { code: "CANCELLED" as const, message: "cancelled by the client" },
    finished_at: now,
    updated_at: now,
  };
  await jobStore.putStatus(cancelled);
  return toJobView(cancelled, deps);
}
