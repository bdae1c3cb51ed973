import { JobFailure } from "../../core/errors.js";
import { storageKeys } from "../../core/jobs/storage-keys.js";
import { segmentCacheKey } from "../../core/plan/segment-cache-key.js";
import { withAttemptScope } from "../pipeline/attempt-scope.js";
import { encodeHandedOutPart } from "../pipeline/encode-handed-out-part.js";
import { type FanoutPlan, readFanoutPlan } from "../pipeline/fanout-plan.js";
import { endHandedOutJob } from "../pipeline/job-ending.js";
import { openPartJob } from "../pipeline/open-part-job.js";
import { partFinished } from "../pipeline/part-finished.js";
import type { RenderAttempt, RenderDeps } from "../render-deps.js";

/**
 * Renders one part of a fanned-out job (a scene, or a frame-range chunk of a long one) to its
 * scene-cache key, then marks it done (segment message). A chunk is a segment like any other: its
 * command reads its sources from the chunk's first frame on, so no code here tells them apart.
 */
export async function renderSegment(
  attempt: RenderAttempt & { segment: number },
  deps: RenderDeps,
): Promise<void> {
  const { jobId, segment } = attempt;
  const { store, log } = deps;
  if (!(await openPartJob(jobId, deps, "segment"))) return;
  const doc = await readFanoutPlan(jobId, store);
  if (!doc) throw new Error(`job ${jobId} has no fan-out plan yet`);
  const seg = doc.segments.find((s) => s.index === segment);
  if (!seg) {
    log.warn("segment message for a part the plan does not have; dropping it", { jobId, segment });
    return;
  }
  const t0 = Date.now();
  try {
    if (await deps.jobs.isCancelRequested(jobId)) throw new JobFailure("CANCELLED", "the job was cancelled");
    await deps.faults?.beforeStep("rendering", jobId, attempt.receiveCount, { segment });
    const key = segmentCacheKey(seg.hash);
    // A retry (or another job with the same part) already left it there: nothing to encode.
    const cached = await store.exists(key);
    if (!cached) {
      await withAttemptScope(attempt, deps, `seg-${jobId}-${segment}-`, (scope) =>
        encodeHandedOutPart(seg, doc, deps, scope).catch((e: unknown) => {
          throw scope.signal.aborted ? new JobFailure("CANCELLED", "the job was cancelled") : e;
        }),
      );
    }
    await store.putText(storageKeys.segmentDone(jobId, segment), key);
    log.info("segment rendered", { jobId, segment, cached, seconds: (Date.now() - t0) / 1000 });
    await partFinished(jobId, doc, deps);
  } catch (e) {
    if (!(e instanceof JobFailure)) throw e;
    const message = e.code === "CANCELLED" ? e.message : `${partName(seg, doc)}: ${e.message}`;
    await endHandedOutJob(jobId, new JobFailure(e.code, message), deps);
  }
}

/** `scene 2`, or `scene 2 (frames 300–599)` for a chunk of it: what the user can find in the request. */
function partName(seg: FanoutPlan["segments"][number], doc: FanoutPlan): string {
  const chunked = doc.segments.filter((s) => s.scene === seg.scene).length > 1;
  return chunked
    ? `scene ${seg.scene} (frames ${seg.startFrame}–${seg.startFrame + seg.frames - 1})`
    : `scene ${seg.scene}`;
}
