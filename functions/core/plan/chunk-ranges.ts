/** Frames of a scene one segment draws: from `startFrame` (within the scene), `frames` of them. */
export interface FrameRange {
  startFrame: number;
  frames: number;
}

/**
 * Splits a scene of `frames` frames into the fewest chunks of at most `chunkFrames` each, as
 * equal as whole frames allow (no short last chunk paying a worker's start-up for a few frames).
 * One range, the whole scene, when it fits or no chunk length is set.
 */
export function chunkRanges(frames: number, chunkFrames: number | undefined): FrameRange[] {
  if (chunkFrames === undefined || frames <= chunkFrames) return [{ startFrame: 0, frames }];
  if (!Number.isInteger(chunkFrames) || chunkFrames < 1)
    throw new Error(`not a chunk length: ${chunkFrames}`);
  const count = Math.ceil(frames / chunkFrames);
  const base = Math.floor(frames / count);
  const longer = frames % count;
  const ranges: FrameRange[] = [];
  let startFrame = 0;
  for (let k = 0; k < count; k++) {
    const length = base + (k < longer ? 1 : 0);
    ranges.push({ startFrame, frames: length });
    startFrame += length;
  }
  return ranges;
}
