import { buildRenderPlan } from "../../../functions/core/plan/build-render-plan.js";
import type { FfmpegCommand, RenderPlan, SourceInfo } from "../../../functions/core/plan/render-plan.js";
import { parseProjectRequest } from "../../../functions/core/schema/parse-project-request.js";
import type { Project } from "../../../functions/core/schema/project.js";

export const WORK = "/work/job-1";

/** Builds the Project through the real request parser, so tests cover the schema → plan seam. */
export function project(body: unknown): Project {
  const parsed = parseProjectRequest(body, { maxProjects: 20 });
  if (!parsed.ok) throw new Error(`invalid test request: ${JSON.stringify(parsed.issues)}`);
  const [first] = parsed.projects;
  if (!first) throw new Error("no project");
  return first;
}

export const VIDEO = "https://example.com/clip.mp4";
export const SILENT_VIDEO = "https://example.com/silent.mp4";
export const IMAGE = "https://example.com/logo.png";
export const VOICE = "https://example.com/voice.mp3";
export const MUSIC = "https://example.com/music.mp3";

function info(path: string, o: Partial<SourceInfo>): SourceInfo {
  return {
    path,
    format: path.endsWith(".png") ? "png_pipe" : path.endsWith(".mp3") ? "mp3" : "mov",
    durationSeconds: undefined,
    hasVideo: false,
    hasAudio: false,
    width: undefined,
    height: undefined,
    isStill: false,
    ...o,
  };
}

export const SOURCES = new Map<string, SourceInfo>([
  [
    VIDEO,
    info("/work/job-1/src-clip.mp4", {
      durationSeconds: 5,
      hasVideo: true,
      hasAudio: true,
      width: 1280,
      height: 720,
    }),
  ],
  [
    SILENT_VIDEO,
    info("/work/job-1/src-silent.mp4", { durationSeconds: 3, hasVideo: true, width: 640, height: 480 }),
  ],
  [IMAGE, info("/work/job-1/src-logo.png", { hasVideo: true, width: 400, height: 200, isStill: true })],
  [VOICE, info("/work/job-1/src-voice.mp3", { durationSeconds: 4.5, hasAudio: true })],
  [MUSIC, info("/work/job-1/src-music.mp3", { durationSeconds: 30, hasAudio: true })],
]);

export function plan(body: unknown, preset = "veryfast", crf = 23): RenderPlan {
  return buildRenderPlan(project(body), SOURCES, { workDir: WORK, encoder: { preset, crf } });
}

/** The input options that read a fixture source: its probed demuxer, the file protocol only, its path. */
export function readsSource(src: string): string[] {
  const info = SOURCES.get(src);
  if (!info) throw new Error(`no fixture source ${src}`);
  return ["-f", info.format, "-protocol_whitelist", "file", "-i", info.path];
}

/** The value following `flag` (first occurrence). */
export function argAfter(cmd: FfmpegCommand, flag: string): string | undefined {
  const i = cmd.args.indexOf(flag);
  return i >= 0 ? cmd.args[i + 1] : undefined;
}

export function graphOf(cmd: FfmpegCommand): string {
  const g = argAfter(cmd, "-filter_complex");
  if (g === undefined) throw new Error("no -filter_complex");
  return g;
}

/** Each input's options (from after the previous `-i <x>` up to and including its own `-i <x>`). */
export function inputsOf(cmd: FfmpegCommand): string[][] {
  const inputs: string[][] = [];
  let current: string[] = [];
  const end = cmd.args.indexOf("-filter_complex");
  for (let i = 5; i < (end >= 0 ? end : cmd.args.length); i++) {
    const a = cmd.args[i] as string;
    current.push(a);
    if (a === "-i") {
      current.push(cmd.args[i + 1] as string);
      inputs.push(current);
      current = [];
      i++;
    }
  }
  return inputs;
}

/**
 * The chain that prepares layer n of a segment graph (`[…]…[ln]`, bottom layer is 1), or for
 * `kind` "a" the chain of input n of the audio mix (`[n:a]…`).
 */
export function chainOf(graph: string, n: number, kind: "v" | "a" = "v"): string {
  const parts = graph.split(";");
  const part =
    kind === "v" ? parts.find((p) => p.endsWith(`[l${n}]`)) : parts.find((p) => p.startsWith(`[${n}:a]`));
  if (!part) throw new Error(`no chain for ${kind === "v" ? "layer" : "input"} ${n} in ${graph}`);
  return part;
}

/** The input each layer of a segment draws from, bottom first (through `split` when layers share one). */
export function layerInputs(cmd: FfmpegCommand): number[] {
  const parts = graphOf(cmd).split(";");
  const inputs: number[] = [];
  for (let n = 1; ; n++) {
    const chain = parts.find((p) => p.endsWith(`[l${n}]`));
    if (!chain) return inputs;
    const label = /^\[([^\]]+)\]/.exec(chain)?.[1] ?? "";
    const direct = /^(\d+):v$/.exec(label)?.[1];
    const shared = /^d(\d+)_\d+$/.exec(label)?.[1];
    inputs.push(Number(direct ?? shared));
  }
}

/** Paths of the sources of a segment's layers, bottom first (input 0 is the colour). */
export function layerPaths(cmd: FfmpegCommand): string[] {
  const inputs = inputsOf(cmd);
  return layerInputs(cmd).map((i) => inputs[i]?.at(-1) as string);
}
