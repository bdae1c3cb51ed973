import { BASE_ARGS } from "./base-args.js";
import { num } from "./ffmpeg-escape.js";
import type { FfmpegCommand } from "./render-plan.js";

/**
 * The frame one second in (usually past any fade-in from black), or the middle frame of a shorter
 * video, read from the segment that holds it: the finished video is those segments copied, so the
 * frame is the same, and the poster need not wait for the assembly nor decode its output again.
 * The seek lands half a frame before that frame's timestamp in the segment, so rounding in the
 * seek time or in the container's timestamps can never step past it: a one-frame segment gets its
 * only frame instead of a seek past the end, where ffmpeg writes nothing and still exits 0.
 */
export function posterCommand(
  segments: readonly { path: string; frames: number }[],
  output: string,
  totalDuration: number,
  fps: number,
): FfmpegCommand {
  const frame = Math.floor(Math.min(1, totalDuration / 2) * fps);
  let first = 0;
  const holder =
    segments.find((s) => {
      if (frame < first + s.frames) return true;
      first += s.frames;
      return false;
    }) ?? segments.at(-1);
  if (!holder) throw new Error("a poster needs at least one segment");
  const local = Math.min(frame - first, holder.frames - 1);
  const at = local > 0 ? (local - 0.5) / fps : 0;
  const args = [...BASE_ARGS, "-ss", num(at), "-i", holder.path, "-frames:v", "1", "-q:v", "3", output];
  return { args, output, durationSeconds: 0, files: [] };
}
