import type { JobFailure } from "../../core/errors.js";
import { type JobRecord, TERMINAL_STATUSES } from "../../core/jobs/job-record.js";
import { storageKeys } from "../../core/jobs/storage-keys.js";
import type { Project } from "../../core/schema/project.js";
import type { RenderDeps } from "../render-deps.js";
import { sendJobWebhook } from "../webhook/send-job-webhook.js";
import type { PreviewKeys } from "./deliver-video.js";

/**
 * The one place a job's final status is written and its webhook sent, by every routine: the
 * single worker, a fanned-out job's coordinator, segment workers and assembler.
 */

/** `record` ended as `status` at `at`; an earlier error is replaced by `error` (or dropped). */
export function finish(
  record: JobRecord,
  status: "completed" | "failed" | "cancelled",
  at: string,
  error?: JobRecord["error"],
): JobRecord {
  const { error: _previous, ...rest } = record;
  return {
    ...rest,
    status,
    finished_at: at,
    updated_at: at,
    ...(error ? { error } : {}),
  };
}

/** The final record of a rendered job (single worker or fan-out assembly). */
export function completed(
  record: JobRecord,
  jobId: string,
  o: { at: string; warnings: string[]; seconds: number; bytes: number; previews: PreviewKeys },
): JobRecord {
  return {
    ...finish(record, "completed", o.at),
    progress: 100,
    step: "done",
    warnings: o.warnings,
    duration_seconds: o.seconds,
    output: { video_key: storageKeys.video(jobId), ...o.previews, bytes: o.bytes },
  };
}

/** The final record a failure ends the job with: `cancelled` for CANCELLED, `failed` otherwise. */
export function failed(record: JobRecord, failure: JobFailure, at: string): JobRecord {
  const state = failure.code === "CANCELLED" ? "cancelled" : "failed";
  return finish(record, state, at, { code: failure.code, message: failure.message });
}

export interface JobEnding {
  /**
   * Other workers may be ending the same job at this moment (its parts were handed out): the
   * record goes through `JobStore.finishOnce`, so only the first ending counts. Otherwise this
   * worker owns the job and simply writes it.
   */
  shared: boolean;
  /** The request's webhook when the caller has the request at hand; read from storage otherwise. */
  webhook?: Project["webhook"];
  /** More fields for the `job <status>` log line. */
  details?: Record<string, unknown>;
}

/**
 * Writes `ended` as the job's final status and, when this write is the one that ended the job,
 * logs `job <status>` and sends its webhook (which never throws). True when this call ended the job.
 */
export async function endJob(
  ended: JobRecord,
  deps: Pick<RenderDeps, "config" | "store" | "jobs" | "clock" | "log" | "webhook">,
  how: JobEnding,
): Promise<boolean> {
  if (how.shared) {
    if (!(await deps.jobs.finishOnce(ended))) return false;
  } else {
    await deps.jobs.putStatus(ended);
  }
  deps.log.info(`job ${ended.status}`, {
    jobId: ended.id,
    ...(ended.error ? { code: ended.error.code } : {}),
    ...(how.shared ? { fanout: true } : {}),
    ...how.details,
  });
  const webhook = "webhook" in how ? how.webhook : (await deps.jobs.getRequest(ended.id))?.webhook;
  await sendJobWebhook(ended.id, webhook, deps);
  return true;
}

/** Ends a job whose parts were handed out, as failed or cancelled, unless it has ended already. */
export async function endHandedOutJob(
  jobId: string,
  failure: JobFailure,
  deps: Pick<RenderDeps, "config" | "store" | "jobs" | "clock" | "log" | "webhook">,
): Promise<void> {
  const current = await deps.jobs.getStatus(jobId);
  if (!current || TERMINAL_STATUSES.has(current.status)) return;
  await endJob(failed(current, failure, deps.clock.now().toISOString()), deps, { shared: true });
}
