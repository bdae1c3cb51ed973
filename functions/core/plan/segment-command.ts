import { BASE_ARGS } from "./base-args.js";
import type { Size } from "./element-box.js";
import { ffmpegColor, num } from "./ffmpeg-escape.js";
import type { Layer } from "./layer-stack.js";
import type { EncoderSettings, FfmpegCommand } from "./render-plan.js";

export interface SegmentSpec {
  output: string;
  frame: Size;
  fps: number;
  /** Frames of the scene before this segment's first: 0 unless it is a later chunk of a long scene. */
  startFrame?: number;
  /** This segment's frames and their seconds. */
  frames: number;
  duration: number;
  backgroundColor: string;
  /** Bottom first. */
  layers: readonly Layer[];
  encoder: EncoderSettings;
  /** ASS files burned in above every layer, in order (captions sit on top of the picture). */
  subtitles?: readonly { path: string; content: string }[];
  fontsDir?: string;
  /** `false` keeps a colour base under a bottom layer that fills the segment (the benchmark's comparison). */
  opaqueBase?: boolean;
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
 * One scene's picture, or a chunk of it, as its own H.264 file. Every segment gets the same
 * encoder parameters, pixel format, frame rate and timescale, and each is its own encode, which
 * starts on a keyframe and references nothing outside itself (x264's default closed GOP), so the
 * assemble step can join them with `concat -c copy`; `-frames:v` makes the length exact so
 * nothing drifts at the cuts.
 */
export function segmentCommand(spec: SegmentSpec): FfmpegCommand {
  const { inputs, graph } = segmentGraph(spec, { firstInput: 0, out: "vout" });
  return encodedCommand({
    inputs,
    graph,
    encoder: spec.encoder,
    fps: spec.fps,
    frames: spec.frames,
    output: spec.output,
    files: spec.subtitles ?? [],
  });
}

/** A segment's picture as part of a filter graph: its inputs' options and the chains ending in `[out]`. */
export interface SegmentGraph {
  inputs: string[];
  graph: string[];
  /** How many `-i` inputs it reads. */
  inputCount: number;
}

/**
 * The filter graph of a segment's picture. A chunk starting `startFrame` frames into its scene
 * runs the scene's graph on scene time: the base frame's timestamps are moved there, so every
 * `enable` window, fade and caption applies as in the whole scene, and only at the end are the
 * timestamps brought back to zero.
 *
 * Each distinct input is decoded once and `split` to every layer that shows it: forty elements
 * of one 4000×4000 logo hold one decoded picture, not forty.
 *
 * `firstInput` numbers its inputs after those of another graph in the same command, and every
 * label it makes starts with `out` unless it is `vout`, so two scenes' graphs can share one
 * command (a transition).
 */
export function segmentGraph(spec: SegmentSpec, at: { firstInput: number; out: string }): SegmentGraph {
  const { frame, fps } = spec;
  const label = (name: string) => (at.out === "vout" ? name : `${at.out}_${name}`);
  const size = `${num(frame.width)}x${num(frame.height)}`;
  const startFrame = spec.startFrame ?? 0;
  // An opaque clip filling the frame throughout is the base itself: no colour frame to blend it onto.
  const [bottom] = spec.layers;
  const baseLayer = spec.opaqueBase !== false && bottom?.fillsSegment ? bottom : undefined;
  const inputs: string[] = [];
  if (!baseLayer) {
    const base = `color=c=${ffmpegColor(spec.backgroundColor)}:s=${size}:r=${num(fps)}:d=${num(spec.duration)}`;
    inputs.push("-f", "lavfi", "-i", base);
  }
  const firstInput = at.firstInput + (baseLayer ? 0 : 1);
  const graph: string[] = [];
  const decodes = new Map<string, { input: number; layers: number[] }>();
  spec.layers.forEach((layer, i) => {
    const key = decodeKey(layer);
    const shared = decodes.get(key);
    if (shared) {
      shared.layers.push(i);
      return;
    }
    decodes.set(key, { input: decodes.size + firstInput, layers: [i] });
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
  const start = num(startFrame / fps);
  let below = `${at.firstInput}:v`;
  if (baseLayer) {
    // One frame per output instant, each the clip's latest frame at or before it (`round=up`),
    // which is the frame overlay would have shown: the same pixels. A later part keeps the frames
    // from its first instant on (`trim` on the output's ticks) instead of giving fps a start time:
    // from a start time past the first frame read, ffmpeg 5.1's fps repeats one frame too many
    // within its first few.
    const from = startFrame > 0 ? `,trim=start_pts=${startFrame}` : `:start_time=${start}`;
    const chain = [...baseLayer.filters, `fps=${num(fps)}:round=up${from}`];
    graph.push(`[${sourceLabel[0]}]${chain.join(",")}[${label("base")}]`);
    below = label("base");
  } else if (startFrame > 0) {
    // round(): the colour source's time base is 1/fps, so the shift is a whole number of ticks.
    graph.push(`[${below}]setpts=PTS+round(${start}/TB)[${label("base")}]`);
    below = label("base");
  }
  spec.layers.forEach((layer, i) => {
    if (layer === baseLayer) return;
    const n = i + 1;
    const { x, y, from, to, eofAction } = layer.overlay;
    const l = label(`l${n}`);
    graph.push(`[${sourceLabel[i]}]${layer.filters.length > 0 ? layer.filters.join(",") : "null"}[${l}]`);
    const eof = eofAction === "pass" ? ":eof_action=pass" : "";
    const enable = `enable='between(t,${num(from)},${num(to)})'`;
    graph.push(`[${below}][${l}]overlay=x=${num(x)}:y=${num(y)}:${enable}${eof}[${label(`s${n}`)}]`);
    below = label(`s${n}`);
  });
  (spec.subtitles ?? []).forEach((sub, k) => {
    const fonts = spec.fontsDir ? `:fontsdir=${filterPath(spec.fontsDir)}` : "";
    graph.push(`[${below}]subtitles=filename=${filterPath(sub.path)}${fonts}[${label(`c${k}`)}]`);
    below = label(`c${k}`);
  });
  graph.push(`[${below}]${startFrame > 0 ? "setpts=PTS-STARTPTS," : ""}format=yuv420p[${at.out}]`);
  return { inputs, graph, inputCount: decodes.size + (baseLayer ? 0 : 1) };
}

/**
 * The encode every segment shares, whatever its graph draws into `[vout]`: the same encoder
 * parameters, pixel format, frame rate and timescale, so `concat -c copy` can join any of them.
 */
export function encodedCommand(spec: {
  inputs: readonly string[];
  graph: readonly string[];
  encoder: EncoderSettings;
  fps: number;
  frames: number;
  output: string;
  files: readonly { path: string; content: string }[];
}): FfmpegCommand {
  const args = [
    ...BASE_ARGS,
    ...spec.inputs,
    "-filter_complex",
    spec.graph.join(";"),
    "-map",
    "[vout]",
    "-an",
    "-c:v",
    "libx264",
    "-preset",
    spec.encoder.preset,
    "-crf",
    num(spec.encoder.crf),
    ...(spec.encoder.threads ? ["-threads", String(spec.encoder.threads)] : []),
    // The lookahead in the encoding threads instead of a thread of its own, which buffers frames
    // for it: the same bytes out, about 30 MB less held at 1080p (measured by bench/run.ts).
    "-x264-params",
    "sync-lookahead=0",
    "-pix_fmt",
    "yuv420p",
    "-r",
    num(spec.fps),
    "-frames:v",
    String(spec.frames),
    "-video_track_timescale",
    "90000",
    spec.output,
  ];
  return { args, output: spec.output, durationSeconds: spec.frames / spec.fps, files: [...spec.files] };
}
