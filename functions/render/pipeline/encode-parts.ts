import type { RenderDeps } from "../render-deps.js";
import type { AttemptScope } from "./attempt-scope.js";
import { runFfmpeg } from "./run-ffmpeg.js";
import { restoreSegment, type SegmentCacheEntry, saveSegment } from "./scene-cache.js";

/**
 * Encodes a job's parts one after another in this worker (x264 already uses every core), each
 * taken from the scene cache when it is there and saved to it when it was encoded.
 * `onProgress` gets the fraction of all frames done. Returns how many came from the cache.
 */
export async function encodeParts(
  parts: readonly SegmentCacheEntry[],
  deps: Pick<RenderDeps, "store" | "log">,
  scope: AttemptScope,
  onProgress: (fraction: number) => void,
): Promise<number> {
  const totalFrames = parts.reduce((sum, p) => sum + p.segment.frames, 0);
  let framesDone = 0;
  let cached = 0;
  for (const { segment, key } of parts) {
    const before = framesDone;
    if (await restoreSegment(deps.store, key, segment.command.output, deps.log)) {
      cached++;
    } else {
      await runFfmpeg(
        segment.command,
        scope.ffmpeg((f) => onProgress((before + f * segment.frames) / totalFrames)),
      );
      await saveSegment(deps.store, key, segment.command.output, deps.log);
    }
    framesDone += segment.frames;
    onProgress(framesDone / totalFrames);
  }
  return cached;
}
