import { JobFailure } from "../../core/errors.js";
import { type JobRecord, type JobStep, TERMINAL_STATUSES } from "../../core/jobs/job-record.js";
import { storageKeys } from "../../core/jobs/storage-keys.js";
import { type AttemptScope, withAttemptScope } from "../pipeline/attempt-scope.js";
import { assembleVideo, uploadVideo } from "../pipeline/deliver-video.js";
import { encodeParts } from "../pipeline/encode-parts.js";
import { fanoutPlanOf, wantsFanout } from "../pipeline/fanout-plan.js";
import { handOutParts } from "../pipeline/hand-out-parts.js";
import { completed, endJob, failed, finish } from "../pipeline/job-ending.js";
import { mixSoundtrack } from "../pipeline/mix-soundtrack.js";
import { partFinished } from "../pipeline/part-finished.js";
import { type PreparedJob, prepareJob } from "../pipeline/prepare-job.js";
import { createProgressReporter, type ProgressReporter } from "../pipeline/progress-reporter.js";
import type { RenderAttempt, RenderDeps } from "../render-deps.js";

/**
 * The whole job in this worker; or, when fan-out applies, its coordination: prepare it here,
 * hand the parts to other workers, mix the audio meanwhile.
 *
 * Deterministic failures (bad source, ffmpeg error, timeout) end the job `failed` here and return
 * normally; anything unexpected is re-thrown so the queue redelivers the message, and after the
 * last receive the dead-letter handler marks the job failed. Redelivery of a finished job is a
 * no-op, so duplicate deliveries never produce duplicate work.
 */
export async function renderWhole(attempt: RenderAttempt, deps: RenderDeps): Promise<void> {
  const { jobs, clock, log, config } = deps;
  const { jobId } = attempt;
  const status = await jobs.getStatus(jobId);
  if (!status) {
    log.warn("render message for an unknown job; dropping it", { jobId });
    return;
  }
  if (TERMINAL_STATUSES.has(status.status)) {
    log.info("job already finished; duplicate delivery ignored", { jobId, status: status.status });
    return;
  }
  // Only fanned-out jobs have a final marker; without an assembly queue there is nothing to read.
  const final = config.fanout.assemblyQueueUrl ? await jobs.getFinal(jobId) : undefined;
  if (final) {
    // A fanned-out job ended while this (redelivered) coordinator message waited.
    await jobs.putStatus(final);
    log.info("job already finished; duplicate delivery ignored", { jobId, status: final.status });
    return;
  }
  const now = () => clock.now().toISOString();
  const project = await jobs.getRequest(jobId);
  if (!project) throw new Error(`job ${jobId} has no stored request`);
  if (await jobs.isCancelRequested(jobId)) {
    const ended = finish(status, "cancelled", now(), { code: "CANCELLED", message: "the job was cancelled" });
    await endJob(ended, deps, { shared: false, webhook: project.webhook });
    return;
  }

  const started: JobRecord = {
    ...status,
    status: "processing",
    step: "fetching",
    progress: Math.max(status.progress, 1),
    started_at: status.started_at ?? now(),
    updated_at: now(),
    attempts: status.attempts + 1,
  };
  await jobs.putStatus(started);
  const progress = createProgressReporter(started, { jobs, clock });
  /** Set once parts are on the queue: from then on other workers may end the job too. */
  let handedOff = false;
  // The job ends after the scope closed, so a webhook's retries hold neither the folder nor the watcher.
  const ending = await withAttemptScope(
    attempt,
    deps,
    `job-${jobId}-`,
    async (scope): Promise<Ending | undefined> => {
      const step = async (name: JobStep, fraction = 0) => {
        if (scope.signal.aborted) throw new JobFailure("CANCELLED", "the job was cancelled");
        await deps.faults?.beforeStep(name, jobId, started.attempts);
        await progress.report(name, fraction);
      };
      try {
        const t0 = Date.now();
        const prepared = await prepareJob(project, deps, { ...scope, step });
        const warnings = [...new Set([...progress.current().warnings, ...prepared.warnings])];
        if (wantsFanout(prepared, deps)) {
          await step("rendering");
          handedOff = true;
          await coordinate(jobId, prepared, { warnings, output: project.output }, deps, scope);
          log.info("job fanned out", {
            jobId,
            segments: prepared.parts.length,
            planSeconds: (Date.now() - t0) / 1000,
          });
          return undefined;
        }
        return await renderHere(jobId, prepared, warnings, { deps, scope, step, progress, t0 });
      } catch (e) {
        await progress.flush().catch(() => undefined);
        const failure = scope.signal.aborted ? new JobFailure("CANCELLED", "the job was cancelled") : e;
        if (!(failure instanceof JobFailure)) throw e;
        // Once handed off, segment workers may be ending the job at the same moment.
        return { record: failed(progress.current(), failure, now()), shared: handedOff };
      }
    },
  );
  if (!ending) return;
  const { record, shared, details } = ending;
  await endJob(record, deps, { shared, webhook: project.webhook, ...(details ? { details } : {}) });
}

interface Ending {
  record: JobRecord;
  shared: boolean;
  details?: Record<string, unknown>;
}

/**
 * The coordinator's part once the job is prepared: hand the parts out, mix the soundtrack (and
 * normalise its loudness, once for the whole job) meanwhile.
 */
async function coordinate(
  jobId: string,
  prepared: PreparedJob,
  notes: Parameters<typeof fanoutPlanOf>[1],
  deps: RenderDeps,
  scope: AttemptScope,
): Promise<void> {
  const doc = fanoutPlanOf(prepared, notes);
  await handOutParts(jobId, doc, prepared.sourceHashes, deps);
  const soundtrack = await mixSoundtrack(prepared.plan, scope.ffmpeg());
  await deps.store.uploadFile(storageKeys.fanoutAudio(jobId), soundtrack, "audio/mp4");
  await deps.store.putText(storageKeys.audioDone(jobId), "audio");
  await partFinished(jobId, doc, deps);
}

interface HereContext {
  deps: RenderDeps;
  scope: AttemptScope;
  step: (name: JobStep, fraction?: number) => Promise<void>;
  progress: ProgressReporter;
  t0: number;
}

/** Every step in this worker: encode parts, mix, assemble, poster, upload; the completed record. */
async function renderHere(
  jobId: string,
  prepared: PreparedJob,
  warnings: string[],
  { deps, scope, step, progress, t0 }: HereContext,
): Promise<Ending> {
  const { plan } = prepared;
  await step("rendering");
  // The soundtrack mix (one thread) and its loudness passes run beside the encodes instead of after them.
  const stopMix = new AbortController();
  const mixing = mixSoundtrack(plan, {
    ...scope.ffmpeg(),
    signal: AbortSignal.any([scope.signal, stopMix.signal]),
  });
  // Awaited below; a failure while the encodes still run is not an unhandled one.
  mixing.catch(() => undefined);
  let cached: number;
  try {
    cached = await encodeParts(prepared.parts, deps, scope, (f) => void progress.report("rendering", f));
    await step("mixing");
  } catch (e) {
    // Never leave the mix running behind a failure: the work dir is about to go.
    stopMix.abort();
    await mixing.catch(() => undefined);
    throw e;
  }
  await mixing;
  await progress.report("mixing", 1);
  const segments: JobRecord["segments"] = { total: prepared.parts.length, cached };
  await step("assembling");
  const poster = plan.posterWanted ? plan.poster : undefined;
  await assembleVideo(
    { assemble: plan.assemble, poster, gif: plan.gifPreview },
    scope,
    (f) => void progress.report("assembling", f * 0.8),
  );
  await step("uploading");
  const { bytes, previews } = await uploadVideo(
    jobId,
    { video: plan.assemble.output, poster: poster?.output, gif: plan.gifPreview?.output },
    deps.store,
  );
  await progress.flush();
  const ended = completed(progress.current(), jobId, {
    at: deps.clock.now().toISOString(),
    warnings,
    seconds: plan.totalDuration,
    bytes,
    previews,
  });
  return {
    record: { ...ended, segments },
    shared: false,
    details: { renderSeconds: (Date.now() - t0) / 1000, videoSeconds: plan.totalDuration, bytes, segments },
  };
}
