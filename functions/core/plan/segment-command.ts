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
 * Layers that may share one decode: the same input options (source, seek, length, looping) and,
 * for a clip, the same start in the scene. Two windows of a clip that start at different times
 * must not share one: `split` would queue every frame the later one has not reached yet.
 */
export function decodeKey(layer: Layer): string {
  const when = layer.decoded.still ? "" : num(layer.overlay.from);
  return `${layer.inputArgs.join("\u0000")}\u0000${when}`;
}

/**
 * Layers that share a decode and all show it smaller get it scaled once, to the largest size any
 * of them needs, before the split: each layer's own scaler then works from that copy. A scaler's
 * buffers grow with its input's width, so forty scalers reading a 4000×4000 picture would hold
 * hundreds of megabytes between them.
 */
function sharedScale(layers: readonly Layer[]): string {
  const first = layers[0];
  if (!first) return "";
  const factor = Math.max(...layers.map((l) => l.decoded.scale));
  if (!(factor < 1)) return "";
  const even = (n: number) => Math.max(2, 2 * Math.ceil((n * factor) / 2));
  return `scale=${num(even(first.decoded.width))}:${num(even(first.decoded.height))},`;
}

/**
 * One scene's picture as its own H.264 file. Every segment gets the same encoder parameters,
 * pixel format, frame rate and timescale so the assemble step can join them with
 * `concat -c copy`; `-frames:v` makes the length exact so nothing drifts at the cuts.
 *
 * Each distinct input is decoded once and `split` to every layer that shows it: forty elements
 * of one 4000×4000 logo hold one decoded picture, not forty.
 */
export function segmentCommand(spec: SegmentSpec): FfmpegCommand {
  const { frame, fps } = spec;
  const size = `${num(frame.width)}x${num(frame.height)}`;
  const base = `color=c=${ffmpegColor(spec.backgroundColor)}:s=${size}:r=${num(fps)}:d=${num(spec.duration)}`;
  const inputs: string[] = ["-f", "lavfi", "-i", base];
  const graph: string[] = [];
  const decodes = new Map<string, { input: number; layers: number[] }>();
  spec.layers.forEach((layer, i) => {
    const key = decodeKey(layer);
    const shared = decodes.get(key);
    if (shared) {
      shared.layers.push(i);
      return;
    }
    decodes.set(key, { input: decodes.size + 1, layers: [i] });
    inputs.push(...layer.inputArgs);
  });
  const sourceLabel: string[] = [];
  for (const { input, layers } of decodes.values()) {
    if (layers.length === 1) {
      sourceLabel[layers[0]!] = `${input}:v`;
      continue;
    }
    const outs = layers.map((i, k) => {
      sourceLabel[i] = `d${input}_${k}`;
      return `[d${input}_${k}]`;
    });
    graph.push(
      `[${input}:v]${sharedScale(layers.map((i) => spec.layers[i]!))}split=${layers.length}${outs.join("")}`,
    );
  }
  let below = "0:v";
  spec.layers.forEach((layer, i) => {
    const n = i + 1;
    const { x, y, from, to, eofAction } = layer.overlay;
    graph.push(`[${sourceLabel[i]}]${layer.filters.length > 0 ? layer.filters.join(",") : "null"}[l${n}]`);
    const eof = eofAction === "pass" ? ":eof_action=pass" : "";
    const enable = `enable='between(t,${num(from)},${num(to)})'`;
    graph.push(`[${below}][l${n}]overlay=x=${num(x)}:y=${num(y)}:${enable}${eof}[s${n}]`);
    below = `s${n}`;
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
