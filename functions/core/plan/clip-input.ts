import { num } from "./ffmpeg-escape.js";
import type { SourceInfo } from "./render-plan.js";
import { sourceInputArgs } from "./source-input.js";

export interface ClipInput {
  /** Input options ending with `-i <path>`. */
  args: string[];
  /** Seconds of the clip that will actually play (shorter than asked when a non-looping clip runs out). */
  playable: number;
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
  const total = source.durationSeconds;
  const known = total !== undefined && total > 0;
  const offset = loop && known ? elapsed % total : elapsed;
  if (!loop && known && offset >= total) return undefined;
  const playable = loop || !known ? length : Math.min(length, total - offset);
  const args = sourceInputArgs(source, [
    ...(loop ? ["-stream_loop", "-1"] : []),
    ...(offset > 0 ? ["-ss", num(offset)] : []),
    "-t",
    num(length),
  ]);
  return { args, playable };
}
