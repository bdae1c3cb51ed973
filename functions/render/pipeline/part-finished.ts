import { storageKeys } from "../../core/jobs/storage-keys.js";
import type { RenderDeps } from "../render-deps.js";
import type { FanoutPlan } from "./fanout-plan.js";
import { STEP_RANGES } from "./progress-reporter.js";

/**
 * After a part's done marker is written: report progress and, when every part is done, ask for
 * assembly. Every finisher that sees all markers sends; the FIFO queue keeps one message.
 */
export async function partFinished(
  jobId: string,
  doc: FanoutPlan,
  deps: Pick<RenderDeps, "store" | "jobs" | "clock" | "log" | "queues">,
): Promise<void> {
  const { missing, audioDone } = await partsLeft(jobId, doc, deps);
  const segmentsDone = doc.segments.length - missing.length;
  const [lo, hi] = STEP_RANGES.rendering;
  const progress = Math.floor(lo + ((hi - lo) * segmentsDone) / Math.max(1, doc.segments.length));
  await deps.jobs.putProgress(jobId, (current) =>
    current.step === "rendering" && progress > current.progress
      ? { ...current, progress, updated_at: deps.clock.now().toISOString() }
      : undefined,
  );
  if (missing.length === 0 && audioDone) {
    if (!deps.queues) throw new Error("fan-out, but this worker has no queue to ask for assembly");
    await deps.queues.assembly.send({ jobId, assemble: true });
    deps.log.info("assembly requested", { jobId });
  }
}

/** The parts of `doc` whose done marker is missing, and whether the soundtrack's is there. */
export async function partsLeft(
  jobId: string,
  doc: FanoutPlan,
  deps: Pick<RenderDeps, "store">,
): Promise<{ missing: number[]; audioDone: boolean }> {
  const prefix = storageKeys.partsPrefix(jobId);
  const done = new Set((await deps.store.list(prefix)).keys.map((k) => k.slice(prefix.length)));
  return {
    missing: doc.segments.filter((s) => !done.has(`${s.index}.done`)).map((s) => s.index),
    audioDone: done.has("audio.done"),
  };
}
