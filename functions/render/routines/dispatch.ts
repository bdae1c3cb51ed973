import type { RenderAttempt, RenderDeps } from "../render-deps.js";
import { assembleJob } from "./assemble-job.js";
import { renderSegment } from "./render-segment.js";
import { renderWhole } from "./render-whole.js";

/**
 * Runs what one queue message asks for: a part of a fanned-out job, its assembly, or the whole
 * job (which, with fan-out, becomes its coordination). Each routine ends the job itself through
 * pipeline/job-ending.ts; anything unexpected is thrown so the queue redelivers the message.
 */
export async function renderJob(attempt: RenderAttempt, deps: RenderDeps): Promise<void> {
  if (attempt.segment !== undefined) return renderSegment({ ...attempt, segment: attempt.segment }, deps);
  if (attempt.assemble) return assembleJob(attempt, deps);
  return renderWhole(attempt, deps);
}
