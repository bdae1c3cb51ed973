import { BASE_ARGS } from "./base-args.js";
import { concatListLine, num } from "./ffmpeg-escape.js";
import type { FfmpegCommand } from "./render-plan.js";

/**
 * Joins the segments without re-encoding and muxes the one mixed soundtrack, so cuts cost no
 * quality and audio runs continuously across them. `+faststart` lets players start before the
 * whole file has downloaded. Segment paths must be absolute: the concat demuxer resolves relative
 * entries against the list file's folder, not the working directory.
 *
 * Each entry states its segment's exact length (`frames / fps`): without it the demuxer starts
 * the next file where the previous file's container says it ends, which MP4 gives in whole
 * milliseconds, so every segment not a whole number of milliseconds long (37 frames at 30 fps)
 * would push the pictures after it a little later than the sound.
 */
export function assembleCommand(
  segments: readonly { path: string; frames: number }[],
  fps: number,
  audio: string,
  listPath: string,
  output: string,
  totalDuration: number,
): FfmpegCommand {
  const lines = segments.map((s) => `${concatListLine(s.path)}\nduration ${num(s.frames / fps)}`);
  const content = `${lines.join("\n")}\n`;
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
