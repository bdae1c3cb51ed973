import { num } from "./ffmpeg-escape.js";
import type { SourceInfo } from "./render-plan.js";
import { sourceInputArgs } from "./source-input.js";

export interface ClipInput {
  /** Input options ending with `-i <path>`. */
  args: string[];
  /** Seconds of the clip that will actually play (shorter than asked when a non-looping clip runs out). */
  playable: number;
  /** Where in the source's own time reading starts (the seek). */
  offset: number;
}

/**
 * Where `elapsed` seconds of a clip's own time fall in the source file: wrapped when it loops;
 * undefined when a clip that does not loop has ended by then.
 */
function offsetIn(source: SourceInfo, loop: boolean, elapsed: number): number | undefined {
  const total = source.durationSeconds;
  const known = total !== undefined && total > 0;
  if (!known) return elapsed;
  if (loop) return elapsed % total;
  return elapsed >= total ? undefined : elapsed;
}

/**
 * Reads `length` seconds of a clip starting `elapsed` seconds into its own (looped) time.
 * Seeking and limiting happen on the input so ffmpeg decodes only what is used; `-t` is always
 * set because a `-stream_loop -1` input never ends by itself.
 */
export function clipInput(
  source: SourceInfo,
  loop: boolean,
  elapsed: number,
  length: number,
): ClipInput | undefined {
  const offset = offsetIn(source, loop, elapsed);
  if (offset === undefined) return undefined;
  const total = source.durationSeconds;
  const playable = loop || !total ? length : Math.min(length, total - offset);
  const args = sourceInputArgs(source, [
    ...(loop ? ["-stream_loop", "-1"] : []),
    ...(offset > 0 ? ["-ss", num(offset)] : []),
    "-t",
    num(length),
  ]);
  return { args, playable, offset };
}

/**
 * Seconds from `at` (source time) to the first frame at or after it: what a seek to `at` skips
 * before its first frame, which a render reading from `at` puts at the start of its window. 0
 * when the frame grid is unknown.
 */
export function gapToNextFrame(source: SourceInfo, at: number): number {
  const grid = source.frameGrid;
  if (!grid) return 0;
  if (at <= grid.offset) return grid.offset - at;
  // The slack keeps float noise (0.48 × 25 = 11.999…) from skipping a frame that starts at `at`.
  const k = Math.ceil((at - grid.offset) * grid.fps - 1e-6);
  return Math.max(0, grid.offset + k / grid.fps - at);
}

/**
 * Seconds read before a chunk's first instant when a clip is entered part-way. A frame of a source
 * of 1 fps or more starts in that lead, so the frame on screen at the chunk's first instant is the
 * one a render of the whole scene shows there: overlay shows nothing of a layer before its first
 * frame, which would otherwise flash the layer away for a frame at every chunk boundary.
 */
export const SEEK_LEAD_SECONDS = 1;

export interface ClipInputFrom {
  /** Input options ending with `-i <path>`. */
  args: string[];
  /** Seconds the input starts before the requested point (at most SEEK_LEAD_SECONDS). */
  lead: number;
}

/**
 * Reads `length` seconds of a clip from `elapsed + into` seconds of its own (looped) time, for a
 * chunk that enters the clip's window `into` seconds after it began. Unlike `clipInput` the
 * frames keep their timestamps relative to the seek point (the caller adds its offset instead of
 * rebasing on the first frame), so the mapping from the clip's time to the scene's is exactly the
 * one of a whole-scene render, whatever the source frame rate. Undefined when a non-looping clip
 * has ended by then.
 */
export function clipInputFrom(
  source: SourceInfo,
  loop: boolean,
  elapsed: number,
  into: number,
  length: number,
): ClipInputFrom | undefined {
  const offset = offsetIn(source, loop, elapsed + into);
  if (offset === undefined) return undefined;
  const lead = Math.min(SEEK_LEAD_SECONDS, offset);
  const seek = offset - lead;
  const args = sourceInputArgs(source, [
    ...(loop ? ["-stream_loop", "-1"] : []),
    ...(seek > 0 ? ["-ss", num(seek)] : []),
    "-t",
    num(length + lead),
  ]);
  return { args, lead };
}
