import { BASE_ARGS } from "./base-args.js";
import { num } from "./ffmpeg-escape.js";
import type { FfmpegCommand } from "./render-plan.js";

/** One second in is usually past any fade-in from black; short videos take their middle frame. */
export function posterCommand(video: string, output: string, totalDuration: number): FfmpegCommand {
  const at = Math.min(1, totalDuration / 2);
  const args = [...BASE_ARGS, "-ss", num(at), "-i", video, "-frames:v", "1", "-q:v", "3", output];
  return { args, output, durationSeconds: 0, files: [] };
}
