import type { JobRecord, JobStep } from "../../core/jobs/job-record.js";
import type { JobStore } from "../../core/jobs/job-store.js";
import type { Clock } from "../../core/ports/clock.js";

/**
 * Where each step sits on the 0–100 scale. Encoding dominates wall time, so it gets most of it;
 * the bounds only need to be monotonic, not exact.
 */
export const STEP_RANGES: Record<Exclude<JobStep, "queued" | "done">, readonly [number, number]> = {
  fetching: [1, 10],
  probing: [10, 12],
  transcribing: [12, 20],
  planning: [20, 21],
  rendering: [21, 82],
  mixing: [82, 87],
  assembling: [87, 92],
  uploading: [92, 99],
};

export interface ProgressReporter {
  /** Moves to `step` at `fraction` (0–1) of its range; writes at most once per interval. */
  report(step: JobStep, fraction?: number): Promise<void>;
  /** The last record written or pending, for the final status write. */
  current(): JobRecord;
  /** Writes any pending update now. */
  flush(): Promise<void>;
}

/**
 * Status writes are throttled (at least 1 s apart) because each is an S3 PUT, and pollers gain
 * nothing from more; a step change
 * is written at once so the client sees where the job is. Progress never goes backwards.
 */
export function createProgressReporter(
  initial: JobRecord,
  deps: { jobs: JobStore; clock: Clock; minIntervalMs?: number },
): ProgressReporter {
  const minInterval = deps.minIntervalMs ?? 1000;
  let record = initial;
  let lastWrite = 0;
  let dirty = false;
  let writing: Promise<void> = Promise.resolve();

  const write = async () => {
    dirty = false;
    lastWrite = deps.clock.now().getTime();
    const snapshot = record;
    writing = writing.then(() => deps.jobs.putStatus(snapshot));
    await writing;
  };

  return {
    async report(step, fraction = 0) {
      const range = step === "queued" || step === "done" ? undefined : STEP_RANGES[step];
      const value = range
        ? range[0] + (range[1] - range[0]) * Math.min(1, Math.max(0, fraction))
        : record.progress;
      const progress = Math.max(record.progress, Math.floor(value));
      const stepChanged = step !== record.step;
      if (!stepChanged && progress === record.progress) return;
      record = { ...record, step, progress, updated_at: deps.clock.now().toISOString() };
      dirty = true;
      if (stepChanged || deps.clock.now().getTime() - lastWrite >= minInterval) await write();
    },
    current: () => record,
    async flush() {
      if (dirty) await write();
      await writing;
    },
  };
}
