import { buildAssDocument } from "../captions/build-ass-document.js";
import type { Project } from "../schema/project.js";
import type { AudioElementInput, ElementInput, VideoElementInput } from "../schema/request-schema.js";
import { assembleCommand } from "./assemble-command.js";
import {
  type AudioTrack,
  audioMixCommand,
  musicTrack,
  sceneAudioTrack,
  videoAudioTrack,
} from "./audio-mix.js";
import { chunkRanges, type FrameRange } from "./chunk-ranges.js";
import { duckingFilters, duckingOf, type Window } from "./ducking.js";
import { gifPreviewCommand } from "./gif-preview-command.js";
import { sliceForScene } from "./global-window.js";
import { imageLayer } from "./image-layer.js";
import { type Layer, type ScenePart, type StackEntry, stackLayers } from "./layer-stack.js";
import { loudnessPlan } from "./loudness.js";
import { posterCommand } from "./poster-command.js";
import type {
  EncoderSettings,
  RenderPlan,
  SceneCaption,
  ScenePlan,
  SegmentPlan,
  SourceInfo,
  SourceMap,
} from "./render-plan.js";
import { buildTimeline, type SceneTiming } from "./scene-timeline.js";
import { decodeKey, type SegmentSpec, segmentCommand } from "./segment-command.js";
import { estimateMixMemory, estimateSegmentMemory } from "./segment-memory.js";
import { sourceFor } from "./source-lookup.js";
import { sceneTextFile } from "./text-layer.js";
import { transitionCommand } from "./transition-command.js";
import { transitionWindows } from "./transition-window.js";
import { effectiveVideoVolume, videoLayer } from "./video-layer.js";

export interface PlanOptions {
  /** Absolute folder for every intermediate and final file of the job. */
  workDir: string;
  encoder: EncoderSettings;
  /** Word timings resolved by the worker; a subtitles element without any entry is reported, not drawn. */
  captions?: readonly SceneCaption[];
  /** Folder of the bundled fonts for libass (DejaVu, Liberation). */
  fontsDir?: string;
  /**
   * Longest segment in frames: a longer scene is split into chunks of at most this many frames,
   * each its own encode (fanned out across workers like scenes). Unset: one segment per scene.
   */
  chunkFrames?: number;
  /** `false` keeps a colour base frame under a bottom clip that fills the frame (for measuring what it saves). */
  opaqueBase?: boolean;
}

const DEFAULT_FONTS_DIR = "/usr/share/fonts/truetype";
const CAPTIONS_PENDING =
  "no word timings were resolved for these captions; the video was rendered without them";
const NO_SOUND = "the source has no audio stream; it was left out";
const NO_PICTURE = "the source has no picture; it was left out";

/**
 * Turns a validated project and its probed sources into every ffmpeg invocation of the render.
 * Pure: the same inputs always give the same plan, so it can be tested without ffmpeg and a
 * scene's segment can be cached by what its command says.
 *
 * Order the worker must follow: scene segments (any order, in parallel) and the audio mix, then
 * assemble (after writing its `files`), then the poster.
 */
export function buildRenderPlan(project: Project, sources: SourceMap, options: PlanOptions): RenderPlan {
  const { workDir, encoder } = options;
  if (!workDir.startsWith("/")) throw new Error(`workDir must be absolute, got ${JSON.stringify(workDir)}`);
  const dir = workDir.replace(/\/+$/, "");
  const frame = { width: project.width, height: project.height };
  const timeline = buildTimeline(project, sources);
  const warnings: string[] = [];
  const tracks: AudioTrack[] = [];
  const captions = options.captions ?? [];
  const captioned = new Set(captions.flatMap((c) => (c.inherits ? [c.element, c.inherits] : [c.element])));

  collectSound(project.elements, projectScope(timeline.totalDuration), sources, captioned, tracks, warnings);

  const windows = transitionWindows(project, timeline);
  const scenes: ScenePlan[] = [];
  /** Per scene: the segment spec of any of its frame ranges. */
  const specs: ((range: FrameRange, output: string, notes: string[]) => SegmentSpec)[] = [];
  for (const timing of timeline.scenes) {
    const scene = project.scenes[timing.index];
    /** The layers of the `frames` frames of the scene from `startFrame` on, bottom first. */
    const layersOf = (startFrame: number, frames: number, notes: string[]) => {
      const part = {
        start: startFrame / timeline.fps,
        end: (startFrame + frames) / timeline.fps,
        sceneEnd: timing.duration,
      };
      return stackLayers([
        ...globalLayers(project, sources, timing, frame, timeline.totalDuration, part),
        ...sceneLayers(project, sources, timing, frame, part, notes),
      ]);
    };
    const wholeLayers = layersOf(0, timing.frames, warnings);
    collectSound(scene?.elements ?? [], sceneScope(timing), sources, captioned, tracks, warnings);
    const subtitles = captions
      .filter((c) => c.sceneIndex === timing.index && c.words.length > 0)
      .map((c, k) => {
        const doc = buildAssDocument({
          ...frame,
          words: c.words,
          settings: c.settings,
          sceneDuration: timing.duration,
        });
        warnings.push(...doc.warnings.map((w) => `${c.element}: ${w}`));
        return { path: `${dir}/captions-${timing.index}-${k}.ass`, content: doc.content };
      });
    // Text is timed in scene seconds like captions, so every part of the scene burns the same file.
    const text = sceneTextFile(project, timing, timeline.totalDuration, `${dir}/text-${timing.index}.ass`);
    if (text) warnings.push(...text.warnings);
    const burned = text ? [text.file, ...subtitles] : subtitles;
    const spec = (range: FrameRange, output: string, layers: Layer[]): SegmentSpec => ({
      output,
      frame,
      fps: timeline.fps,
      startFrame: range.startFrame,
      frames: range.frames,
      duration: range.frames / timeline.fps,
      backgroundColor: scene?.background_color ?? project.background_color,
      layers,
      encoder,
      subtitles: burned,
      fontsDir: options.fontsDir ?? DEFAULT_FONTS_DIR,
      ...(options.opaqueBase === false ? { opaqueBase: false } : {}),
    });
    // Each part meets the scene's elements again; their warnings were given once, for the whole.
    specs.push((range, output) => spec(range, output, layersOf(range.startFrame, range.frames, [])));
    const whole = spec(
      { startFrame: 0, frames: timing.frames },
      `${dir}/segment-${timing.index}.mp4`,
      wholeLayers,
    );
    scenes.push({
      index: timing.index,
      id: timing.id,
      start: timing.start,
      duration: timing.duration,
      frames: timing.frames,
      command: segmentCommand(whole),
      memory: estimateSegmentMemory(frame, encoder.preset, whole.layers, decodeKey),
    });
  }
  warnings.push(...windows.warnings);

  const segments: SegmentPlan[] = [];
  const addSegment = (part: Omit<SegmentPlan, "index">) => segments.push({ index: segments.length, ...part });
  for (const [i, timing] of timeline.scenes.entries()) {
    const sceneSpec = specs[i]!;
    const into = windows.into[i]?.halfFrames ?? 0;
    const next = windows.into[i + 1];
    const out = next?.halfFrames ?? 0;
    // The frames no transition takes: these are rendered, and cached, as if there were none.
    const own = timing.frames - into - out;
    const chunks = chunkRanges(own, options.chunkFrames);
    for (const [k, range] of chunks.entries()) {
      const scene = scenes[i]!;
      const part =
        chunks.length === 1 && own === timing.frames
          ? { command: scene.command, memory: scene.memory }
          : segmentPart(
              sceneSpec(
                { startFrame: into + range.startFrame, frames: range.frames },
                `${dir}/segment-${i}-${k}.mp4`,
                [],
              ),
              frame,
              encoder,
            );
      addSegment({ scene: i, startFrame: into + range.startFrame, frames: range.frames, ...part });
    }
    if (next) {
      const outgoing = sceneSpec({ startFrame: timing.frames - out, frames: out }, "", []);
      const incoming = specs[i + 1]!({ startFrame: 0, frames: out }, "", []);
      addSegment({
        scene: i,
        startFrame: timing.frames - out,
        frames: 2 * out,
        transition: next.type,
        command: transitionCommand({
          output: `${dir}/transition-${i + 1}.mp4`,
          fps: timeline.fps,
          type: next.type,
          ...(next.color ? { color: next.color } : {}),
          halfFrames: out,
          encoder,
          outgoing,
          incoming,
        }),
        memory: estimateSegmentMemory(
          frame,
          encoder.preset,
          [...outgoing.layers, ...incoming.layers],
          decodeKey,
        ),
      });
    }
  }

  duckMusic(project, tracks, narrationWindows(project, tracks));
  const audio = audioMixCommand(tracks, timeline.totalDuration, `${dir}/audio.m4a`);
  const loudness =
    project.loudness !== undefined && tracks.length > 0
      ? loudnessPlan(project.loudness, audio.output, `${dir}/audio-loudness.m4a`, timeline.totalDuration)
      : undefined;
  const gif = project.output?.gif_preview;
  const assemble = assembleCommand(
    segments.map((s) => ({ path: s.command.output, frames: s.frames })),
    timeline.fps,
    loudness?.output ?? audio.output,
    `${dir}/segments.txt`,
    `${dir}/output.mp4`,
    timeline.totalDuration,
  );
  return {
    width: project.width,
    height: project.height,
    fps: timeline.fps,
    totalDuration: timeline.totalDuration,
    totalFrames: timeline.totalFrames,
    scenes,
    segments,
    audio,
    audioMemory: estimateMixMemory(tracks),
    ...(loudness ? { loudness } : {}),
    assemble,
    poster: posterCommand(
      segments.map((s) => ({ path: s.command.output, frames: s.frames })),
      `${dir}/poster.jpg`,
      timeline.totalDuration,
      timeline.fps,
    ),
    posterWanted: project.output?.poster ?? true,
    ...(gif
      ? { gifPreview: gifPreviewCommand(assemble.output, `${dir}/preview.gif`, gif, timeline.totalDuration) }
      : {}),
    warnings,
  };
}

type Frame = { width: number; height: number };

function segmentPart(spec: SegmentSpec, frame: Frame, encoder: EncoderSettings) {
  return {
    command: segmentCommand(spec),
    memory: estimateSegmentMemory(frame, encoder.preset, spec.layers, decodeKey),
  };
}

/** Where a list of elements plays: the whole video (the project's own elements) or one scene. */
interface ElementScope {
  /** JSON path of the list: `elements` or `scenes[2].elements`. */
  path: string;
  /** The project's own elements: a video there is background, silent unless given a volume. */
  global: boolean;
  /** An audio element's track, placed on the output timeline. */
  audioTrack(el: AudioElementInput, source: SourceInfo, at: string): AudioTrack | undefined;
  /** Where a video element's sound plays on the output timeline; undefined when it never does. */
  videoSoundWindow(el: VideoElementInput): { start: number; length: number } | undefined;
}

function projectScope(totalDuration: number): ElementScope {
  return {
    path: "elements",
    global: true,
    audioTrack: (el, source, at) => musicTrack(el, source, at, totalDuration),
    videoSoundWindow: (el) => {
      const start = el.start ?? 0;
      const length = Math.min(el.duration ?? Number.POSITIVE_INFINITY, totalDuration - start);
      return length > 0 ? { start, length } : undefined;
    },
  };
}

function sceneScope(timing: SceneTiming): ElementScope {
  return {
    path: `scenes[${timing.index}].elements`,
    global: false,
    audioTrack: (el, source, at) => sceneAudioTrack(el, source, at, timing.start, timing.duration),
    videoSoundWindow: (el) => {
      const window = sceneVideoWindow(el, timing);
      return window && { start: timing.start + window.from, length: window.to - window.from };
    },
  };
}

/**
 * Adds the audio tracks of one list of elements to the mix, with a warning for each thing it
 * cannot play or show: captions without word timings, sounds without an audio stream, and (for
 * the project's own elements; a scene's are reported where its layers are built) pictures
 * without a picture stream.
 */
function collectSound(
  elements: readonly ElementInput[],
  scope: ElementScope,
  sources: SourceMap,
  captioned: ReadonlySet<string>,
  tracks: AudioTrack[],
  warnings: string[],
): void {
  elements.forEach((el, j) => {
    const at = `${scope.path}[${j}]`;
    if (el.type === "subtitles" && !captioned.has(at)) warnings.push(`${at}: ${CAPTIONS_PENDING}`);
    if (
      scope.global &&
      (el.type === "video" || el.type === "image") &&
      !sourceFor(sources, el.src, at).hasVideo
    ) {
      warnings.push(`${at}: ${NO_PICTURE}`);
    }
    if (el.type === "audio") {
      const source = sourceFor(sources, el.src, at);
      if (!source.hasAudio) {
        warnings.push(`${at}: ${NO_SOUND}`);
        return;
      }
      const track = scope.audioTrack(el, source, at);
      if (track) tracks.push(track);
    }
    if (el.type === "video") {
      const source = sourceFor(sources, el.src, at);
      const volume = effectiveVideoVolume(el, scope.global);
      const window = scope.videoSoundWindow(el);
      if (source.hasAudio && volume > 0 && window) {
        const track = videoAudioTrack(el, source, at, volume, { ...window, elapsed: 0 });
        if (track) tracks.push(track);
      }
    }
  });
}

function sceneVideoWindow(
  el: { start?: number | undefined; duration?: number | undefined },
  timing: SceneTiming,
): { from: number; to: number } | undefined {
  const from = el.start ?? 0;
  const to = Math.min(from + (el.duration ?? timing.duration - from), timing.duration);
  return to > from ? { from, to } : undefined;
}

function sceneLayers(
  project: Project,
  sources: SourceMap,
  timing: SceneTiming,
  frame: Frame,
  part: ScenePart,
  warnings: string[],
): StackEntry[] {
  const entries: StackEntry[] = [];
  project.scenes[timing.index]?.elements.forEach((el, order) => {
    const at = `scenes[${timing.index}].elements[${order}]`;
    if (el.type !== "video" && el.type !== "image") return;
    const window = sceneVideoWindow(el, timing);
    if (!window) return;
    const source = sourceFor(sources, el.src, at);
    if (!source.hasVideo) {
      // An audio-only file given as a video would make `[n:v]` fail the whole segment.
      warnings.push(`${at}: ${NO_PICTURE}`);
      return;
    }
    const motion = { fps: project.fps, elapsed: 0, length: window.to - window.from };
    const layer =
      el.type === "video"
        ? videoLayer({
            element: el,
            source,
            at,
            frame,
            ...window,
            elapsed: 0,
            fadeIn: true,
            fadeOut: true,
            motion,
            part,
          })
        : imageLayer({ element: el, source, at, frame, ...window, motion, part });
    if (layer) entries.push({ layer, tier: "scene", zIndex: el.z_index, order });
  });
  return entries;
}

function globalLayers(
  project: Project,
  sources: SourceMap,
  timing: SceneTiming,
  frame: Frame,
  totalDuration: number,
  part: ScenePart,
): StackEntry[] {
  const entries: StackEntry[] = [];
  project.elements.forEach((el, order) => {
    const at = `elements[${order}]`;
    if (el.type !== "video" && el.type !== "image") return;
    const slice = sliceForScene(el.start ?? 0, el.duration, timing.start, timing.duration);
    const source = sourceFor(sources, el.src, at);
    if (!slice || !source.hasVideo) return;
    const motion = {
      fps: project.fps,
      elapsed: slice.elapsed,
      length: el.duration ?? totalDuration - (el.start ?? 0),
    };
    const shown = { source, at, frame, from: slice.from, to: slice.to, motion, part };
    if (el.type === "video") {
      const layer = videoLayer({
        ...shown,
        element: el,
        elapsed: slice.elapsed,
        fadeIn: slice.startsHere,
        fadeOut: slice.endsHere,
      });
      if (layer) entries.push({ layer, tier: "background", zIndex: el.z_index, order });
    } else {
      const layer = imageLayer({ ...shown, element: el });
      if (layer) entries.push({ layer, tier: "watermark", zIndex: el.z_index, order });
    }
  });
  return entries;
}

/** Where each scene's own audio elements (its narration) play on the output timeline. */
function narrationWindows(project: Project, tracks: readonly AudioTrack[]): Window[] {
  const narration = new Set(
    project.scenes.flatMap((scene, i) =>
      scene.elements.flatMap((el, j) => (el.type === "audio" ? [`scenes[${i}].elements[${j}]`] : [])),
    ),
  );
  return tracks.filter((t) => narration.has(t.at)).map((t) => ({ start: t.start, end: t.start + t.length }));
}

/** Music with `ducking` gets the volume envelope that lowers it under the narration. */
function duckMusic(project: Project, tracks: AudioTrack[], windows: readonly Window[]): void {
  project.elements.forEach((el, j) => {
    if (el.type !== "audio" || el.ducking === undefined) return;
    const track = tracks.find((t) => t.at === `elements[${j}]`);
    if (track) track.filters.push(...duckingFilters(windows, track.start, duckingOf(el.ducking)));
  });
}
