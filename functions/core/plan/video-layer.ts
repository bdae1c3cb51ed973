import type { VideoElementInput } from "../schema/request-schema.js";
import { clipInput } from "./clip-input.js";
import { elementBox, type Size } from "./element-box.js";
import { num } from "./ffmpeg-escape.js";
import type { Layer } from "./layer-stack.js";
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
}

/** A video drawn over [from, to] of a scene; undefined when a non-looping clip has nothing left to show. */
export function videoLayer(spec: VideoLayerSpec): Layer | undefined {
  const { element: el, from, to } = spec;
  const input = clipInput(spec.source, el.loop ?? true, spec.elapsed, to - from);
  if (!input) return undefined;
  const box = elementBox(el, spec.source, spec.frame);
  const decoded = {
    width: spec.source.width ?? spec.frame.width,
    height: spec.source.height ?? spec.frame.height,
  };
  const mode = el.resize ?? "cover";
  const moving = el.animation
    ? motionFilters({
        motion: el.animation,
        picture: decoded,
        box,
        ...spec.motion,
      })
    : undefined;
  const filters = moving ? moving.filters : resizeFilters(mode, box.width, box.height);
  // Shift the clip to where it appears so frames line up with the scene clock, not the clip's.
  filters.push(`setpts=PTS-STARTPTS+${num(from)}/TB`);
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
  return {
    at: spec.at,
    inputArgs: input.args,
    filters,
    decoded: { ...decoded, still: false, scale: moving ? moving.scale : resizeScale(mode, decoded, box) },
    drawn: { width: box.width, height: box.height },
    ...(moving ? { extraBytes: moving.extraBytes } : {}),
    overlay: { x: box.x, y: box.y, from, to, eofAction: "pass" },
  };
}

/** Full-frame and global videos are backdrops whose sound is usually unwanted; placed clips are content. */
export function effectiveVideoVolume(el: VideoElementInput, global: boolean): number {
  const background = global || (el.width === undefined && el.height === undefined);
  return el.volume ?? (background ? 0 : 1);
}
