import { join } from "node:path";
import { materialiseSegment, segmentCacheKey, sourceCacheKey } from "../../core/plan/segment-cache-key.js";
import type { RenderDeps } from "../render-deps.js";
import type { AttemptScope } from "./attempt-scope.js";
import { type FanoutPlan, PARALLEL_IO } from "./fanout-plan.js";
import { mapConcurrent } from "./map-concurrent.js";
import { runFfmpeg } from "./run-ffmpeg.js";

/**
 * A segment worker's encode: downloads the sources part `seg` reads, turns its portable command
 * back into one inside this worker's folder, runs it and uploads the result to its cache key.
 */
export async function encodeHandedOutPart(
  seg: FanoutPlan["segments"][number],
  doc: FanoutPlan,
  deps: Pick<RenderDeps, "store" | "config">,
  scope: AttemptScope,
): Promise<void> {
  const { store, config } = deps;
  const { workDir } = scope;
  const local = (hash: string) => join(workDir, `src-${hash.slice(0, 16)}${doc.sourceExt[hash] ?? ""}`);
  await mapConcurrent(seg.portable.sources, PARALLEL_IO, (hash) =>
    store.downloadToFile(sourceCacheKey(hash), local(hash), config.maxSourceBytes),
  );
  const command = materialiseSegment(seg.portable, workDir, join(workDir, `segment-${seg.index}.mp4`), local);
  await runFfmpeg(command, scope.ffmpeg());
  await store.uploadFile(segmentCacheKey(seg.hash), command.output, "video/mp4");
}
