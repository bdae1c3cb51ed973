import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config } from "../../core/config.js";
import { JobFailure } from "../../core/errors.js";
import { type JobRecord, type JobStep, TERMINAL_STATUSES } from "../../core/jobs/job-record.js";
import type { JobStore } from "../../core/jobs/job-store.js";
import { storageKeys } from "../../core/jobs/storage-keys.js";
import { buildRenderPlan } from "../../core/plan/build-render-plan.js";
import { encoderFor } from "../../core/plan/encoder-settings.js";
import { checkRenderMemory } from "../../core/plan/segment-memory.js";
import type { Clock } from "../../core/ports/clock.js";
import type { JobQueue } from "../../core/ports/job-queue.js";
import type { Log } from "../../core/ports/log.js";
import type { ObjectStore } from "../../core/ports/object-store.js";
import type { WhisperPaths } from "../speech/whisper-paths.js";
import { sendJobWebhook, type WebhookTuning } from "../webhook/send-job-webhook.js";
import { assembleJob, renderSegment, startFanout, wantsFanout } from "./fanout.js";
import { fetchSources } from "./fetch-sources.js";
import { makePreviews, type PreviewKeys } from "./make-previews.js";
import { mixSoundtrack } from "./mix-soundtrack.js";
import { checkProbedLimits, probeSources } from "./probe-media.js";
import { createProgressReporter } from "./progress-reporter.js";
import { resolveCaptions } from "./resolve-captions.js";
import { runFfmpeg } from "./run-ffmpeg.js";
import type { Resolver } from "./safe-fetch.js";
import { hashSources, restoreSegment, saveSegment, sceneCacheEntries } from "./scene-cache.js";
import { watchForCancel } from "./watch-for-cancel.js";

export interface RenderDeps {
  config: Config;
  store: ObjectStore;
  jobs: JobStore;
  clock: Clock;
  log: Log;
  /** whisper.cpp binary and model, resolved once at start-up (only used when a caption needs speech recognition). */
  whisper: WhisperPaths;
  /**
   * Test seam for crash tests: called before each step; throwing there behaves like a worker
   * dying mid-job (the message is retried by the queue). Never set in production wiring.
   */
  faults?: {
    beforeStep(step: JobStep, jobId: string, attempt: number, part?: RenderPart): void | Promise<void>;
  };
  /**
   * Where a fanned-out job's parts are enqueued: segment tasks on the render queue, the one
   * assembly request on the FIFO assembly queue. Fan-out also needs VIDEOCRAFT_ASSEMBLY_QUEUE_URL.
   */
  queues?: { render: JobQueue; assembly: JobQueue };
  /** DNS override for source fetches (tests: rebinding); production uses the system resolver. */
  resolver?: Resolver;
  /** Webhook retry/network overrides (tests); production uses the defaults. */
  webhook?: WebhookTuning;
}

/** Which part of a fanned-out job a message asks for; none = the whole job (or its coordination). */
export interface RenderPart {
  segment?: number;
  assemble?: true;
}

export interface RenderAttempt extends RenderPart {
  jobId: string;
  /** SQS ApproximateReceiveCount of this delivery. */
  receiveCount: number;
  /** Milliseconds left before the platform kills this invocation (Lambda); ffmpeg stops before. */
  remainingMs?: number;
}

/** Lambda needs a moment after ffmpeg dies to write the final status. */
export const SHUTDOWN_MARGIN_MS = 15_000;

/**
 * Renders one job end to end. Deterministic failures (bad source, ffmpeg error, timeout) end the
 * job `failed` here and return normally; anything unexpected is re-thrown so the queue redelivers
 * the message, and after the last receive the dead-letter handler marks the job failed.
 * Redelivery of a finished job is a no-op, so duplicate deliveries never produce duplicate work.
 */
export async function renderJob(attempt: RenderAttempt, deps: RenderDeps): Promise<void> {
  if (attempt.segment !== undefined) return renderSegment({ ...attempt, segment: attempt.segment }, deps);
  if (attempt.assemble) return assembleJob(attempt, deps);
  return renderWhole(attempt, deps);
}

/**
 * The whole job in this worker; or, when fan-out applies, its coordination: fetch, probe,
 * transcribe and plan here, hand the scene segments to other workers, mix the audio meanwhile.
 */
async function renderWhole(attempt: RenderAttempt, deps: RenderDeps): Promise<void> {
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
  if (await jobs.isCancelRequested(jobId)) {
    await jobs.putStatus(
      finish(status, "cancelled", now(), { code: "CANCELLED", message: "the job was cancelled" }),
    );
    return;
  }
  const project = await jobs.getRequest(jobId);
  if (!project) throw new Error(`job ${jobId} has no stored request`);

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
  const cancel = watchForCancel(jobId, jobs, log);
  const workRoot = config.workDir ?? tmpdir();
  await mkdir(workRoot, { recursive: true });
  const workDir = await mkdtemp(join(workRoot, `job-${jobId}-`));
  const deadline =
    attempt.remainingMs === undefined ? Infinity : Date.now() + attempt.remainingMs - SHUTDOWN_MARGIN_MS;
  const t0 = Date.now();
  /** Set once segment tasks are on the queue: from then on the job ends through `jobs.finishOnce`. */
  let handedOff = false;
  try {
    const step = async (name: JobStep, fraction = 0) => {
      if (cancel.signal.aborted) throw new JobFailure("CANCELLED", "the job was cancelled");
      await deps.faults?.beforeStep(name, jobId, started.attempts);
      await progress.report(name, fraction);
    };
    await step("fetching");
    const paths = await fetchSources(project, {
      store: deps.store,
      config,
      workDir,
      signal: cancel.signal,
      ...(deps.resolver ? { resolver: deps.resolver } : {}),
    });
    await step("probing");
    const sources = await probeSources(paths, {
      ffprobePath: config.ffmpeg.probePath,
      maxPixels: config.limits.maxSourcePixels,
      signal: cancel.signal,
    });
    checkProbedLimits(project, sources, config.limits);
    await step("transcribing");
    const captioned = await resolveCaptions(project, sources, paths, {
      store: deps.store,
      workDir,
      ffmpegPath: config.ffmpeg.path,
      whisper: deps.whisper,
      timeoutMs: Math.min(config.ffmpeg.timeoutSeconds * 1000, deadline - Date.now()),
      signal: cancel.signal,
    });
    await step("planning");
    const plan = buildRenderPlan(project, sources, {
      workDir,
      encoder: encoderFor(project, config),
      captions: captioned.captions,
    });
    const tooHeavy = checkRenderMemory(plan, config.ffmpeg.maxMemoryBytes);
    if (tooHeavy) throw new JobFailure("SOURCE_TOO_LARGE", `${tooHeavy.path}: ${tooHeavy.message}`);
    const warnings = [...new Set([...progress.current().warnings, ...captioned.warnings, ...plan.warnings])];

    const ffmpeg = (onProgress?: (f: number) => void) => ({
      ffmpegPath: config.ffmpeg.path,
      timeoutMs: Math.max(1000, Math.min(config.ffmpeg.timeoutSeconds * 1000, deadline - Date.now())),
      signal: cancel.signal,
      ...(onProgress ? { onProgress } : {}),
    });
    const encoder = encoderFor(project, config);
    const hashes = await hashSources(paths.values());
    const cache = sceneCacheEntries(plan, workDir, hashes, encoder);
    if (wantsFanout(plan, cache, deps)) {
      await step("rendering");
      handedOff = true;
      await startFanout(
        { jobId, plan, cache, warnings, sourceHashes: hashes, output: project.output },
        deps,
        ffmpeg,
      );
      log.info("job fanned out", {
        jobId,
        segments: plan.scenes.length,
        planSeconds: (Date.now() - t0) / 1000,
      });
      return;
    }
    await step("rendering");
    let framesDone = 0;
    let cached = 0;
    for (const { scene, key } of cache) {
      const before = framesDone;
      if (await restoreSegment(deps.store, key, scene.command.output, log)) {
        cached++;
      } else {
        await runFfmpeg(
          scene.command,
          ffmpeg((f) => void progress.report("rendering", (before + f * scene.frames) / plan.totalFrames)),
        );
        await saveSegment(deps.store, key, scene.command.output, log);
      }
      framesDone += scene.frames;
      await progress.report("rendering", framesDone / plan.totalFrames);
    }
    const segments: JobRecord["segments"] = { total: plan.scenes.length, cached };
    await step("mixing");
    await mixSoundtrack(
      plan,
      ffmpeg((f) => void progress.report("mixing", f)),
    );
    await step("assembling");
    await runFfmpeg(
      plan.assemble,
      ffmpeg((f) => void progress.report("assembling", f * 0.8)),
    );
    await step("uploading");
    const video = await deps.store.uploadFile(storageKeys.video(jobId), plan.assemble.output, "video/mp4");
    await progress.report("uploading", 0.9);
    const previews = await makePreviews(
      jobId,
      { poster: plan.posterWanted ? plan.poster : undefined, gif: plan.gifPreview },
      { store: deps.store, ffmpeg: () => ffmpeg() },
    );
    await progress.flush();
    await jobs.putStatus({
      ...completed(progress.current(), jobId, {
        at: now(),
        warnings,
        seconds: plan.totalDuration,
        bytes: video.bytes,
        previews,
      }),
      segments,
    });
    log.info("job completed", {
      jobId,
      renderSeconds: (Date.now() - t0) / 1000,
      videoSeconds: plan.totalDuration,
      bytes: video.bytes,
      segments,
    });
  } catch (e) {
    await progress.flush().catch(() => undefined);
    const failure = cancel.signal.aborted ? new JobFailure("CANCELLED", "the job was cancelled") : e;
    if (!(failure instanceof JobFailure)) throw e;
    const state = failure.code === "CANCELLED" ? "cancelled" : "failed";
    const ended = finish(progress.current(), state, now(), { code: failure.code, message: failure.message });
    if (handedOff) {
      // Segment workers may be ending the job at the same moment; only the first ending counts.
      const won = await jobs.finishOnce(ended);
      log.info(`job ${state}`, { jobId, code: failure.code, fanout: true });
      if (!won) return;
    } else {
      await jobs.putStatus(ended);
      log.info(`job ${state}`, { jobId, code: failure.code });
    }
  } finally {
    cancel.stop();
    await rm(workDir, { recursive: true, force: true });
  }
  // Reached only once the final status is written (completed, failed or cancelled); never throws.
  await sendJobWebhook(jobId, project.webhook, deps);
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
