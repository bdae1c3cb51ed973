import { join } from "node:path";
import { JobFailure } from "../../core/errors.js";
import { storageKeys } from "../../core/jobs/storage-keys.js";
import { assembleCommand } from "../../core/plan/assemble-command.js";
import { gifPreviewCommand } from "../../core/plan/gif-preview-command.js";
import { posterCommand } from "../../core/plan/poster-command.js";
import { segmentCacheKey } from "../../core/plan/segment-cache-key.js";
import { withAttemptScope } from "../pipeline/attempt-scope.js";
import { assembleVideo, type PreviewKeys, uploadVideo } from "../pipeline/deliver-video.js";
import { PARALLEL_IO, readFanoutPlan } from "../pipeline/fanout-plan.js";
import { completed, endHandedOutJob, endJob } from "../pipeline/job-ending.js";
import { mapConcurrent } from "../pipeline/map-concurrent.js";
import { openPartJob } from "../pipeline/open-part-job.js";
import { partsLeft } from "../pipeline/part-finished.js";
import { STEP_RANGES } from "../pipeline/progress-reporter.js";
import type { RenderAttempt, RenderDeps } from "../render-deps.js";

/** Joins a fanned-out job's parts once all are done (assembly message), and completes the job. */
export async function assembleJob(attempt: RenderAttempt, deps: RenderDeps): Promise<void> {
  const { jobId } = attempt;
  const { store, jobs, clock, log } = deps;
  if (!(await openPartJob(jobId, deps, "assembly"))) return;
  const doc = await readFanoutPlan(jobId, store);
  if (!doc) {
    log.warn("assembly message for a job that was never fanned out; dropping it", { jobId });
    return;
  }
  const { missing, audioDone } = await partsLeft(jobId, doc, deps);
  if (missing.length > 0 || !audioDone) {
    log.warn("assembly message before every part was done; ignored", { jobId, missing });
    return;
  }
  const now = () => clock.now().toISOString();
  const step = (name: "assembling" | "uploading", fraction: number) =>
    jobs.putProgress(jobId, (current) => {
      const [lo, hi] = STEP_RANGES[name];
      return {
        ...current,
        step: name,
        progress: Math.max(current.progress, Math.floor(lo + (hi - lo) * fraction)),
        updated_at: now(),
      };
    });
  const t0 = Date.now();
  const outcome = await withAttemptScope(
    attempt,
    deps,
    `asm-${jobId}-`,
    async (scope): Promise<{ bytes: number; previews: PreviewKeys } | { failure: JobFailure }> => {
      try {
        if (await jobs.isCancelRequested(jobId)) throw new JobFailure("CANCELLED", "the job was cancelled");
        await deps.faults?.beforeStep("assembling", jobId, attempt.receiveCount, { assemble: true });
        await step("assembling", 0);
        const { workDir } = scope;
        const parts = doc.segments.map((s) => ({
          path: join(workDir, `segment-${s.index}.mp4`),
          frames: s.frames,
        }));
        const audioPath = join(workDir, "audio.m4a");
        const downloads = [
          ...doc.segments.map((s, i) => ({ key: segmentCacheKey(s.hash), path: parts[i]!.path })),
          { key: storageKeys.fanoutAudio(jobId), path: audioPath },
        ];
        await mapConcurrent(downloads, PARALLEL_IO, (d) =>
          store.downloadToFile(d.key, d.path, Number.MAX_SAFE_INTEGER),
        );
        const assemble = assembleCommand(
          parts,
          doc.fps,
          audioPath,
          join(workDir, "segments.txt"),
          join(workDir, "output.mp4"),
          doc.totalDuration,
        );
        const poster =
          doc.output?.poster === false
            ? undefined
            : posterCommand(parts, join(workDir, "poster.jpg"), doc.totalDuration, doc.fps);
        const gifOptions = doc.output?.gif_preview;
        const gif =
          gifOptions &&
          gifPreviewCommand(assemble.output, join(workDir, "preview.gif"), gifOptions, doc.totalDuration);
        await assembleVideo({ assemble, poster, gif }, scope);
        await step("uploading", 0);
        return await uploadVideo(
          jobId,
          { video: assemble.output, poster: poster?.output, gif: gif?.output },
          store,
        );
      } catch (e) {
        if (!(e instanceof JobFailure)) throw e;
        return { failure: scope.signal.aborted ? new JobFailure("CANCELLED", "the job was cancelled") : e };
      }
    },
  );
  if ("failure" in outcome) {
    await endHandedOutJob(jobId, outcome.failure, deps);
    return;
  }
  const { bytes, previews } = outcome;
  const current = await jobs.getStatus(jobId);
  if (!current) throw new Error(`job ${jobId} lost its status while assembling`);
  await endJob(
    completed(current, jobId, {
      at: now(),
      warnings: doc.warnings,
      seconds: doc.totalDuration,
      bytes,
      previews,
    }),
    deps,
    {
      shared: true,
      details: {
        assembleSeconds: (Date.now() - t0) / 1000,
        videoSeconds: doc.totalDuration,
        bytes,
        segments: current.segments,
      },
    },
  );
}
