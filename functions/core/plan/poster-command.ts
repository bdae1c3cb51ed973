import { BASE_ARGS } from "./base-args.js";
import { num } from "./ffmpeg-escape.js";
import type { FfmpegCommand } from "./render-plan.js";

/**
 * The frame one second in (usually past any fade-in from black), or the middle frame of a shorter
 * video. The seek lands half a frame before that frame's timestamp, so rounding in the seek time
 * or in the container's timestamps can never step past it: a one-frame video gets its only frame
 * instead of a seek past the end, where ffmpeg writes nothing and still exits 0.
 */
export function posterCommand(
  video: string,
  output: string,
  totalDuration: number,
  fps: number,
): FfmpegCommand {
  const frame = Math.floor(Math.min(1, totalDuration / 2) * fps);
  const at = frame > 0 ? (frame - 0.5) / fps : 0;
  const args = [...BASE_ARGS, "-ss", num(at), "-i", video, "-frames:v", "1", "-q:v", "3", output];
  return { args, output, durationSeconds: 0, files: [] };
}
