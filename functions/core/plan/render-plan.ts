import type { SubtitleSettings } from "../schema/request-schema.js";
import type { TransitionType } from "../schema/transition-schema.js";

/**
 * What the planner produces: every ffmpeg invocation of a render, as argument arrays.
 * Pure data; the render worker runs them. Paths inside are under the job's work directory.
 */

/** What ffprobe told us about one fetched source. */
export interface SourceInfo {
  /** Local file path of the fetched source. */
  path: string;
  /**
   * The ffmpeg demuxer its first bytes identified (`mov`, `matroska`, `png_pipe`…), always passed
   * with `-f`: a single-file format chosen by content, so ffmpeg never picks a playlist demuxer.
   */
  format: string;
  /** Container duration in seconds; undefined for still images. */
  durationSeconds: number | undefined;
  hasVideo: boolean;
  hasAudio: boolean;
  width: number | undefined;
  height: number | undefined;
  /** A single still picture (PNG/JPEG/WebP…), decoded once and overlaid for its window. */
  isStill: boolean;
  /**
   * Where the picture's frames fall: at `offset + k / fps` seconds of the source's own time, for a
   * constant-rate stream; undefined when unknown or variable. A chunk entering a clip part-way
   * needs it to show the frames a whole-scene render shows at the same instants.
   */
  frameGrid?: { fps: number; offset: number } | undefined;
  /**
   * Whether a clip's picture carries transparency (its pixel format has alpha, or a palette that
   * may); undefined when not known (and for stills), which counts as maybe.
   */
  alpha?: boolean | undefined;
}

/** Keyed by the element's `src` string exactly as in the request. */
export type SourceMap = ReadonlyMap<string, SourceInfo>;

/** Timed words for one subtitles element in one scene (a global element yields one per scene it captions). */
export interface SceneCaption {
  sceneIndex: number;
  /** JSON path of the subtitles element: `scenes[0].elements[2]` or `elements[1]`. */
  element: string;
  /** JSON path of the project's subtitles element whose settings a scene's element inherited. */
  inherits?: string;
  /** Relative to the scene start. */
  words: { word: string; start: number; end: number }[];
  settings?: SubtitleSettings | undefined;
}

export interface EncoderSettings {
  /** x264 preset (config VIDEOCRAFT_FFMPEG_PRESET, or `ultrafast` for draft quality). */
  preset: string;
  crf: number;
  /** x264 threads (VIDEOCRAFT_FFMPEG_THREADS: the function's vCPUs); unset: x264 picks 1.5 per core. */
  threads?: number;
}

export interface FfmpegCommand {
  /** Arguments after the `ffmpeg` binary name (no `-progress`: the runner adds it). */
  args: string[];
  /** The file this command writes. */
  output: string;
  /** Media seconds this command produces, for progress. */
  durationSeconds: number;
  /** Small text files the runner must write before running (e.g. the concat list). */
  files: { path: string; content: string }[];
}

export interface ScenePlan {
  index: number;
  id: string;
  /** Start on the output timeline, seconds (frame-aligned). */
  start: number;
  /** Seconds, a whole number of frames. */
  duration: number;
  frames: number;
  /** Encodes this scene's picture (no audio) in one segment file: the scene's segment unless it is chunked. */
  command: FfmpegCommand;
  /** What `command` is estimated to hold in memory (see segment-memory.ts). */
  memory: SegmentMemory;
}

/**
 * One encode of the render: a whole scene, a frame-range of one (a chunk of a scene longer than
 * the chunk length, or what a transition leaves of it), or a transition's window. Segments are
 * joined in their order.
 */
export interface SegmentPlan {
  /** Position in the video. */
  index: number;
  /** The scene it draws; for a transition, the outgoing scene. */
  scene: number;
  /** First frame within the scene, and how many frames (a transition's run on into the next scene). */
  startFrame: number;
  frames: number;
  /** Set on a transition's window: its type (the incoming scene is `scene + 1`). */
  transition?: TransitionType;
  command: FfmpegCommand;
  memory: SegmentMemory;
}

export interface RenderPlan {
  width: number;
  height: number;
  fps: number;
  totalDuration: number;
  totalFrames: number;
  scenes: ScenePlan[];
  /** What is encoded: each scene's segment, or its chunks, in order. */
  segments: SegmentPlan[];
  /** Mixes the whole soundtrack once (narration + video audio + music), AAC. Silence when nothing is audible. */
  audio: FfmpegCommand;
  /** What `audio` is estimated to hold in memory (one decoder per track). */
  audioMemory: SegmentMemory;
  /**
   * Normalises the mixed soundtrack to the project's `loudness` (two passes, the first run by the
   * worker to measure); `assemble` then muxes its output instead of `audio`'s.
   */
  loudness?: LoudnessPlan;
  /** `concat -c copy` of the segments + the mixed audio, `+faststart` MP4. */
  assemble: FfmpegCommand;
  /** One JPEG frame of the finished video, read from the segment that holds it. */
  poster: FfmpegCommand;
  /** Whether the poster is made and stored (the project's `output.poster`, default true). */
  posterWanted: boolean;
  /** A short animated GIF of the video's start, when the project's `output.gif_preview` asks for one. */
  gifPreview?: FfmpegCommand;
  /** Non-fatal notes for the job status (e.g. captions not rendered yet). */
  warnings: string[];
}

/** The loudness step of a plan (loudness.ts builds its two ffmpeg passes). */
export interface LoudnessPlan {
  /** Integrated loudness target, LUFS. */
  target: number;
  /** Ceiling for the true peak, dBTP: below -1 with room for the AAC encoder's overshoot. */
  truePeak: number;
  /** Loudness range target (LU), used only if loudnorm falls back to its dynamic mode. */
  range: number;
  /** The mixed soundtrack. */
  input: string;
  /** The normalised soundtrack the assembly muxes. */
  output: string;
  durationSeconds: number;
}

/** What one ffmpeg command is estimated to hold in memory (segment-memory.ts estimates it). */
export interface SegmentMemory {
  /** The whole estimate, bytes. */
  bytes: number;
  /** The estimate once each layer is added, bottom first: where a limit is passed. */
  running: { at: string; bytes: number }[];
}
