import type { Project } from "../schema/project.js";
import type { SourceMap } from "./render-plan.js";
import { sourceFor } from "./source-lookup.js";

export interface SceneTiming {
  index: number;
  id: string;
  /** Seconds on the output timeline; `startFrame / fps`. */
  start: number;
  startFrame: number;
  /** Seconds; `frames / fps`. */
  duration: number;
  frames: number;
}

export interface Timeline {
  fps: number;
  scenes: SceneTiming[];
  totalFrames: number;
  totalDuration: number;
}

/**
 * Float seconds × fps lands a hair above an integer (2.0 × 30 can be 60.000000000000007);
 * without this slack ceil would add a frame that nobody asked for.
 */
const FRAME_EPSILON = 1e-6;

export function framesFor(seconds: number, fps: number): number {
  return Math.max(1, Math.ceil(seconds * fps - FRAME_EPSILON));
}

/**
 * Scenes are whole numbers of frames so that segments encoded separately concatenate without
 * drift; every later start is the sum of the aligned durations before it, which keeps the audio
 * (mixed once against these starts) in step with the picture.
 */
export function buildTimeline(project: Project, sources: SourceMap): Timeline {
  const { fps } = project;
  let frame = 0;
  const scenes = project.scenes.map((scene, index): SceneTiming => {
    const seconds = scene.duration ?? longestAudio(project, sources, index);
    const frames = framesFor(seconds, fps);
    const timing = {
      index,
      id: scene.id,
      start: frame / fps,
      startFrame: frame,
      duration: frames / fps,
      frames,
    };
    frame += frames;
    return timing;
  });
  return { fps, scenes, totalFrames: frame, totalDuration: frame / fps };
}

function longestAudio(project: Project, sources: SourceMap, index: number): number {
  const scene = project.scenes[index];
  let longest = 0;
  scene?.elements.forEach((el, j) => {
    if (el.type !== "audio") return;
    const at = `scenes[${index}].elements[${j}]`;
    const length = el.duration ?? sourceFor(sources, el.src, at).durationSeconds;
    if (length === undefined) throw new Error(`${at}: the audio's duration is unknown (probe gave none)`);
    longest = Math.max(longest, (el.start ?? 0) + length);
  });
  if (longest <= 0) throw new Error(`scenes[${index}]: no duration and no audio to take one from`);
  return longest;
}
