import type { VideoElementInput } from "../schema/request-schema.js";
import { clipInput, clipInputFrom, gapToNextFrame } from "./clip-input.js";
import { elementBox, type Size } from "./element-box.js";
import { num } from "./ffmpeg-escape.js";
import { type Layer, type ScenePart, shownIn, WHOLE_SCENE } from "./layer-stack.js";
import { type MotionContext, motionFilters } from "./motion-filter.js";
import type { SourceInfo } from "./render-plan.js";
import { resizeFilters, resizeKeepsAlpha, resizeScale } from "./resize-filter.js";

export interface VideoLayerSpec {
  element: VideoElementInput;
  source: SourceInfo;
  at: string;
  frame: Size;
  /** Seconds within the scene. */
  from: number;
  to: number;
  /** Seconds of the element's own time already elapsed at `from`. */
  elapsed: number;
  /** Global videos span several scenes; only the scene where the window starts/ends fades. */
  fadeIn: boolean;
  fadeOut: boolean;
  /** For `animation`: the frame rate, and the element's time before this layer and in all. */
  motion: MotionContext;
  /** The stretch of the scene the segment covers (a chunk); the whole scene by default. */
  part?: ScenePart;
}

/**
 * A video drawn over [from, to] of a scene, or of the part of that window a chunk covers;
 * undefined when a non-looping clip has nothing left to show there.
 */
export function videoLayer(spec: VideoLayerSpec): Layer | undefined {
  const { element: el, from, to } = spec;
  const loop = el.loop ?? true;
  const input = clipInput(spec.source, loop, spec.elapsed, to - from);
  if (!input) return undefined;
  const shown = shownIn(from, to, spec.part ?? WHOLE_SCENE);
  if (!shown) return undefined;
  const into = shown.from - from;
  // Entered part-way (a later chunk): read from there with the clip's own time kept, placed as a
  // whole-scene render places it, which rebases the window's first frame (the first at or after
  // its seek) onto the window's start.
  const entered =
    into > 0 ? clipInputFrom(spec.source, loop, spec.elapsed, into, shown.to - shown.from) : undefined;
  if (into > 0 && (!entered || (!loop && into >= input.playable))) return undefined;
  const box = elementBox(el, spec.source, spec.frame);
  const decoded = {
    width: spec.source.width ?? spec.frame.width,
    height: spec.source.height ?? spec.frame.height,
  };
  const mode = el.resize ?? "cover";
  // Where an entered clip's first frame read lands in the scene, `lead` before the chunk starts.
  const readFrom = entered ? shown.from - entered.lead - gapToNextFrame(spec.source, input.offset) : from;
  // Shift the clip to where it appears so frames line up with the scene clock, not the clip's.
  const place = entered ? `setpts=PTS+${num(readFrom)}/TB` : `setpts=PTS-STARTPTS+${num(from)}/TB`;
  // A moving clip is placed before the motion's `fps`, and that filter starts at a frame instant of
  // the scene, so its frames and the motion's clock agree with a whole-scene render's whatever
  // point a chunk entered at: after a seek the first frame read is off the grid by up to a source
  // frame, and a grid started there would show each view a frame late.
  const fps = spec.motion.fps;
  const firstFrame = Math.round(readFrom * fps + 1e-6) / fps;
  const moving = el.animation
    ? motionFilters({
        motion: el.animation,
        picture: decoded,
        box,
        ...spec.motion,
        // The motion's clock counts frames from the first one drawn: as far along there as a
        // whole-scene render is at that instant.
        elapsed: spec.motion.elapsed + (firstFrame - from),
        firstFrameAt: firstFrame,
      })
    : undefined;
  const filters = moving
    ? [place, ...moving.filters]
    : [...resizeFilters(mode, box.width, box.height), place];
  const fadeIn = spec.fadeIn && el.fade_in ? el.fade_in : 0;
  const fadeOut = spec.fadeOut && el.fade_out ? el.fade_out : 0;
  if (fadeIn > 0 || fadeOut > 0) {
    // Fading the alpha (not to black) lets whatever is underneath show through.
    if (!resizeKeepsAlpha(mode)) filters.push("format=yuva420p");
    if (fadeIn > 0) filters.push(`fade=t=in:st=${num(from)}:d=${num(fadeIn)}:alpha=1`);
    if (fadeOut > 0) {
      const end = from + input.playable;
      filters.push(`fade=t=out:st=${num(Math.max(from, end - fadeOut))}:d=${num(fadeOut)}:alpha=1`);
    }
  }
  const opaque =
    spec.source.alpha === false && (mode === "cover" || mode === "stretch") && fadeIn + fadeOut === 0;
  const covers =
    box.x === 0 && box.y === 0 && box.width === spec.frame.width && box.height === spec.frame.height;
  const { sceneEnd } = spec.part ?? WHOLE_SCENE;
  // To the scene's end: a looping clip always; a clip that runs out would leave the colour showing.
  const lasts = from === 0 && to >= sceneEnd && (loop || input.playable >= to - from);
  return {
    at: spec.at,
    inputArgs: entered ? entered.args : input.args,
    filters,
    decoded: { ...decoded, still: false, scale: moving ? moving.scale : resizeScale(mode, decoded, box) },
    drawn: { width: box.width, height: box.height },
    ...(moving ? { extraBytes: moving.extraBytes } : {}),
    overlay: { x: box.x, y: box.y, from, to, eofAction: "pass" },
    ...(opaque && covers && lasts ? { fillsSegment: true } : {}),
  };
}

/** Full-frame and global videos are backdrops whose sound is usually unwanted; placed clips are content. */
export function effectiveVideoVolume(el: VideoElementInput, global: boolean): number {
  const background = global || (el.width === undefined && el.height === undefined);
  return el.volume ?? (background ? 0 : 1);
}
