import { BASE_ARGS } from "./base-args.js";
import type { Size } from "./element-box.js";
import { ffmpegColor, num } from "./ffmpeg-escape.js";
import type { Layer } from "./layer-stack.js";
import type { EncoderSettings, FfmpegCommand } from "./render-plan.js";

export interface SegmentSpec {
  output: string;
  frame: Size;
  fps: number;
  frames: number;
  duration: number;
  backgroundColor: string;
  /** Bottom first. */
  layers: readonly Layer[];
  encoder: EncoderSettings;
  /** ASS files burned in above every layer, in order (captions sit on top of the picture). */
  subtitles?: readonly { path: string; content: string }[];
  fontsDir?: string;
}

/**
 * File paths inside a filter graph need two levels of escaping; the planner's own work-dir paths
 * never need any, so anything else is refused rather than escaped.
 */
const SAFE_FILTER_PATH = /^[A-Za-z0-9/._-]+$/;
function filterPath(path: string): string {
  if (!SAFE_FILTER_PATH.test(path))
    throw new Error(`unsafe path for a filter graph: ${JSON.stringify(path)}`);
  return path;
}

/**
 * One scene's picture as its own H.264 file. Every segment gets the same encoder parameters,
 * pixel format, frame rate and timescale so the assemble step can join them with
 * `concat -c copy`; `-frames:v` makes the length exact so nothing drifts at the cuts.
 */
export function segmentCommand(spec: SegmentSpec): FfmpegCommand {
  const { frame, fps } = spec;
  const size = `${num(frame.width)}x${num(frame.height)}`;
  const base = `color=c=${ffmpegColor(spec.backgroundColor)}:s=${size}:r=${num(fps)}:d=${num(spec.duration)}`;
  const inputs: string[] = ["-f", "lavfi", "-i", base];
  const graph: string[] = [];
  let below = "0:v";
  spec.layers.forEach((layer, i) => {
    const input = i + 1;
    inputs.push(...layer.inputArgs);
    const { x, y, from, to, eofAction } = layer.overlay;
    graph.push(`[${input}:v]${layer.filters.length > 0 ? layer.filters.join(",") : "null"}[l${input}]`);
    const eof = eofAction === "pass" ? ":eof_action=pass" : "";
    const enable = `enable='between(t,${num(from)},${num(to)})'`;
    graph.push(`[${below}][l${input}]overlay=x=${num(x)}:y=${num(y)}:${enable}${eof}[s${input}]`);
    below = `s${input}`;
  });
  (spec.subtitles ?? []).forEach((sub, k) => {
    const fonts = spec.fontsDir ? `:fontsdir=${filterPath(spec.fontsDir)}` : "";
    graph.push(`[${below}]subtitles=filename=${filterPath(sub.path)}${fonts}[c${k}]`);
    below = `c${k}`;
  });
  graph.push(`[${below}]format=yuv420p[vout]`);
  const args = [
    ...BASE_ARGS,
    ...inputs,
    "-filter_complex",
    graph.join(";"),
    "-map",
    "[vout]",
    "-an",
    "-c:v",
    "libx264",
    "-preset",
    spec.encoder.preset,
    "-crf",
    num(spec.encoder.crf),
    "-pix_fmt",
    "yuv420p",
    "-r",
    num(fps),
    "-frames:v",
    String(spec.frames),
    "-video_track_timescale",
    "90000",
    spec.output,
  ];
  return { args, output: spec.output, durationSeconds: spec.duration, files: [...(spec.subtitles ?? [])] };
}
