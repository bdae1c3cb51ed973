import { type JobRecord, TERMINAL_STATUSES } from "../../core/jobs/job-record.js";
import type { RenderDeps } from "../render-deps.js";

/**
 * The job's status when a part message (segment or assembly) may still act on it; undefined,
 * logged, when the job is unknown or has already ended.
 */
export async function openPartJob(
  jobId: string,
  deps: Pick<RenderDeps, "jobs" | "log">,
  what: "segment" | "assembly",
): Promise<JobRecord | undefined> {
  const status = await deps.jobs.getStatus(jobId);
  if (!status) {
    deps.log.warn(`${what} message for an unknown job; dropping it`, { jobId });
    return undefined;
  }
  const final = TERMINAL_STATUSES.has(status.status) ? status : await deps.jobs.getFinal(jobId);
  if (final) {
    deps.log.info(`job already finished; ${what} message ignored`, { jobId, status: final.status });
    return undefined;
  }
  return status;
}
