import type { MotionInput } from "../schema/motion-schema.js";
import type { ImageElementInput } from "../schema/request-schema.js";
import { elementBox, type Size } from "./element-box.js";
import { num } from "./ffmpeg-escape.js";
import { type Layer, type ScenePart, shownIn, WHOLE_SCENE } from "./layer-stack.js";
import { type MotionContext, motionFilters } from "./motion-filter.js";
import type { SourceInfo } from "./render-plan.js";
import { resizeFilters, resizeScale } from "./resize-filter.js";
import { sourceInputArgs } from "./source-input.js";

export interface ImageLayerSpec {
  element: ImageElementInput;
  source: SourceInfo;
  at: string;
  frame: Size;
  /** Seconds within the scene. */
  from: number;
  to: number;
  /** For `animation`: the frame rate, and the element's time before this layer and in all. */
  motion: MotionContext;
  /** The stretch of the scene the segment covers (a chunk); the whole scene by default. */
  part?: ScenePart;
}

/**
 * A still drawn over [from, to] of a scene, or undefined when no part of it is on screen. The
 * image is decoded once (no `-loop 1`): overlay's default end-of-stream behaviour repeats the last
 * frame, which avoids decoding and scaling the same picture for every output frame. A still shown
 * at its natural size is first cut to the part the frame shows (crop only moves pointers), so a
 * 4000×4000 logo placed on a 1080p frame is converted and composited at 1920×1080 at most.
 */
export function imageLayer(spec: ImageLayerSpec): Layer | undefined {
  if (spec.element.animation) return movingImageLayer(spec, spec.element.animation);
  const { element: el, source, from, to, frame } = spec;
  const shown = shownIn(from, to, spec.part ?? WHOLE_SCENE);
  if (!shown) return undefined;
  const natural = { width: source.width, height: source.height };
  const sized = el.width !== undefined || el.height !== undefined;
  let x = el.x ?? 0;
  let y = el.y ?? 0;
  const filters: string[] = [];
  const decoded = { width: natural.width ?? frame.width, height: natural.height ?? frame.height };
  let drawn: Size;
  let scale = 1;
  if (sized) {
    const box = elementBox(el, natural, frame);
    const mode = el.resize ?? "cover";
    filters.push(...resizeFilters(mode, box.width, box.height));
    drawn = { width: box.width, height: box.height };
    scale = resizeScale(mode, decoded, box);
  } else {
    const width = natural.width ?? frame.width;
    const height = natural.height ?? frame.height;
    const left = Math.max(0, -x);
    const top = Math.max(0, -y);
    const right = Math.min(width, frame.width - x);
    const bottom = Math.min(height, frame.height - y);
    if (right <= left || bottom <= top) return undefined;
    if (left > 0 || top > 0 || right < width || bottom < height) {
      // exact: a 4:2:0 picture would otherwise have its offset rounded to even pixels.
      filters.push(`crop=${num(right - left)}:${num(bottom - top)}:${num(left)}:${num(top)}:exact=1`);
      x += left;
      y += top;
    }
    // Nothing to scale, only square the pixels so overlay places it as probed.
    filters.push("setsar=1");
    drawn = { width: right - left, height: bottom - top };
  }
  // The one frame is placed where the segment first shows it; overlay repeats it from there.
  filters.push(`setpts=PTS-STARTPTS+${num(shown.from)}/TB`);
  return {
    at: spec.at,
    inputArgs: sourceInputArgs(source),
    filters,
    decoded: { ...decoded, still: true, scale },
    drawn,
    overlay: { x, y, from, to, eofAction: "repeat" },
  };
}

/**
 * An image with `animation`: it fills its box (the frame when it has no width or height) with a
 * moving view of the picture, one frame per output frame (see motion-filter.ts). In a chunk that
 * enters the window part-way, the frames start with the one a whole-scene render shows at the
 * chunk's first instant, at the same time and with the motion's clock as far along, so a chunked
 * render draws the same views.
 */
function movingImageLayer(spec: ImageLayerSpec, motion: MotionInput): Layer | undefined {
  const { element: el, source, from, to, frame } = spec;
  const shown = shownIn(from, to, spec.part ?? WHOLE_SCENE);
  if (!shown) return undefined;
  const picture = { width: source.width ?? frame.width, height: source.height ?? frame.height };
  const sized = el.width !== undefined || el.height !== undefined;
  const box = sized ? elementBox(el, picture, frame) : { x: el.x ?? 0, y: el.y ?? 0, ...frame };
  const context = spec.motion;
  // The slack keeps float noise (0.48 × 25 = 11.999…) from taking the frame before.
  const skipped = Math.floor((shown.from - from) * context.fps + 1e-6) / context.fps;
  const first = from + skipped;
  const moving = motionFilters({
    motion,
    picture,
    box,
    fps: context.fps,
    elapsed: context.elapsed + skipped,
    length: context.length,
    still: {
      frames: Math.ceil((shown.to - first) * context.fps) + 1,
      alpha: !OPAQUE_FORMATS.has(source.format),
    },
  });
  return {
    at: spec.at,
    inputArgs: sourceInputArgs(source),
    // round(): setpts truncates, and a start written to six decimals (82/30 s) lands a hair short
    // of its tick, which would show every view a frame early.
    filters: [...moving.filters, `setpts=PTS-STARTPTS+round(${num(first)}/TB)`],
    decoded: { ...picture, still: true, scale: moving.scale },
    drawn: { width: box.width, height: box.height },
    extraBytes: moving.extraBytes,
    overlay: { x: box.x, y: box.y, from, to, eofAction: "repeat" },
  };
}

/** Still formats that never carry alpha: their moving copy can stay 4:2:0 without an alpha plane. */
const OPAQUE_FORMATS = new Set(["jpeg_pipe", "bmp_pipe"]);
