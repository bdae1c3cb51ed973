import { BASE_ARGS } from "./base-args.js";
import { concatListLine, num } from "./ffmpeg-escape.js";
import type { FfmpegCommand } from "./render-plan.js";

/**
 * Joins the segments without re-encoding and muxes the one mixed soundtrack, so cuts cost no
 * quality and audio runs continuously across them. `+faststart` lets players start before the
 * whole file has downloaded. Segment paths must be absolute: the concat demuxer resolves relative
 * entries against the list file's folder, not the working directory.
 */
export function assembleCommand(
  segments: readonly string[],
  audio: string,
  listPath: string,
  output: string,
  totalDuration: number,
): FfmpegCommand {
  const content = `${segments.map(concatListLine).join("\n")}\n`;
  const args = [
    ...BASE_ARGS,
    "-f",
    "concat",
    "-safe",
    "0",
    "-i",
    listPath,
    "-i",
    audio,
    "-map",
    "0:v:0",
    "-map",
    "1:a:0",
    "-c",
    "copy",
    "-movflags",
    "+faststart",
    "-t",
    num(totalDuration),
    output,
  ];
  return { args, output, durationSeconds: totalDuration, files: [{ path: listPath, content }] };
}
