import type { JobStore } from "../../core/jobs/job-store.js";
import type { Log } from "../../core/ports/log.js";

/**
 * Polls the job's cancel marker (written by `DELETE /v1/jobs/{id}`) while the job runs and
 * aborts the returned signal when it appears, which kills a running ffmpeg at once.
 * One HEAD request a second per running job is cheap next to an encode.
 */
export function watchForCancel(
  jobId: string,
  jobs: JobStore,
  log: Log,
  intervalMs = 1000,
): { signal: AbortSignal; stop(): void } {
  const controller = new AbortController();
  let busy = false;
  const timer = setInterval(async () => {
    if (busy || controller.signal.aborted) return;
    busy = true;
    try {
      if (await jobs.isCancelRequested(jobId)) {
        log.info("cancel requested; stopping the render", { jobId });
        controller.abort();
      }
    } catch (e) {
      log.warn("could not check the cancel marker", { jobId, error: (e as Error).message });
    } finally {
      busy = false;
    }
  }, intervalMs);
  timer.unref();
  return { signal: controller.signal, stop: () => clearInterval(timer) };
}
