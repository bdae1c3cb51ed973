import { BASE_ARGS } from "./base-args.js";
import { num } from "./ffmpeg-escape.js";
import type { FfmpegCommand } from "./render-plan.js";

/**
 * A looping GIF of the video's first seconds, for listings: the frame rate and width a thumbnail
 * needs, and one 256-colour palette computed from those frames (palettegen, weighted to what
 * moves) that every frame is mapped onto (paletteuse with ordered dithering: small files that do
 * not shimmer from frame to frame).
 */
export function gifPreviewCommand(
  video: string,
  output: string,
  o: { seconds: number; width: number; fps: number },
  totalDuration: number,
): FfmpegCommand {
  const seconds = Math.min(o.seconds, totalDuration);
  const graph =
    `[0:v]fps=${num(o.fps)},scale=${num(o.width)}:-2:flags=lanczos,split[a][b];` +
    "[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=3";
  const args = [
    ...BASE_ARGS,
    "-t",
    num(seconds),
    "-i",
    video,
    "-filter_complex",
    graph,
    "-loop",
    "0",
    output,
  ];
  return { args, output, durationSeconds: seconds, files: [] };
}
