import type { JobStore } from "../core/jobs/job-store.js";
import { FAILURE_CODE_DIMENSION } from "../core/metric-names.js";
import type { Log } from "../core/ports/log.js";
import type { Metrics } from "../core/ports/metrics.js";

/** A heartbeat at most this far apart lands in a different minute, so one job counts once per minute. */
export const ACTIVE_JOB_HEARTBEAT_MS = 60_000;
/** The schema's default frame rate, for a stored request without one. */
const DEFAULT_FPS = 30;

/**
 * `ActiveJobs`: 1 when a render invocation starts and once a minute while it runs. Summed per minute
 * it is the number of invocations rendering in that minute (concurrency); its Maximum is 1 whenever
 * anything renders. An "end" sample would add nothing either statistic can use, so there is none.
 */
export function startActiveJobHeartbeat(metrics: Metrics, intervalMs = ACTIVE_JOB_HEARTBEAT_MS) {
  const beat = () => {
    metrics.record("activeJobs", 1);
    metrics.flush();
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * After a render attempt returned, reads the job's status once and, if this attempt finished the
 * job (its `finished_at` is not older than the attempt, so a duplicate delivery counts nothing):
 * - completed: `JobSeconds` = finished_at − started_at (first pickup to uploaded MP4, retries
 *   included) and `RenderFps` = output frames (duration × the request's fps, one more read) per
 *   second of that time, so a fanned-out job's speed-up shows;
 * - failed: `JobFailures` = 1 with its failure code (cancelled jobs are not failures).
 * A failure to read is logged and ignored: metrics never fail a render. `mayComplete` false (a
 * fan-out scene segment) counts failures only. Known gap: with fan-out, a segment attempt that ran
 * while another one failed the job can count that failure a second time.
 */
export async function recordJobMetrics(
  jobId: string,
  attemptStart: Date,
  deps: { jobs: JobStore; log: Log; metrics: Metrics },
  mayComplete = true,
): Promise<void> {
  const { jobs, metrics } = deps;
  try {
    const record = await jobs.getStatus(jobId);
    if (!record?.finished_at || record.finished_at < attemptStart.toISOString()) return;
    if (record.status === "completed" && record.started_at) {
      if (!mayComplete) return;
      const seconds = (Date.parse(record.finished_at) - Date.parse(record.started_at)) / 1000;
      if (!(seconds >= 0)) return;
      metrics.record("jobSeconds", seconds);
      if (record.duration_seconds && seconds > 0) {
        const fps = (await jobs.getRequest(jobId))?.fps ?? DEFAULT_FPS;
        metrics.record("renderFps", (record.duration_seconds * fps) / seconds);
      }
    } else if (record.status === "failed") {
      metrics.record("jobFailures", 1, { [FAILURE_CODE_DIMENSION]: record.error?.code ?? "INTERNAL" });
    }
    metrics.flush();
  } catch (e) {
    deps.log.warn("could not record the job's metrics", { jobId, error: (e as Error).message });
  }
}
