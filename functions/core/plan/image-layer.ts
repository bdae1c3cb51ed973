import type { ImageElementInput } from "../schema/request-schema.js";
import { elementBox, type Size } from "./element-box.js";
import { num } from "./ffmpeg-escape.js";
import type { Layer } from "./layer-stack.js";
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
}

/**
 * A still drawn over [from, to] of a scene, or undefined when no part of it is on screen. The
 * image is decoded once (no `-loop 1`): overlay's default end-of-stream behaviour repeats the last
 * frame, which avoids decoding and scaling the same picture for every output frame. A still shown
 * at its natural size is first cut to the part the frame shows (crop only moves pointers), so a
 * 4000×4000 logo placed on a 1080p frame is converted and composited at 1920×1080 at most.
 */
export function imageLayer(spec: ImageLayerSpec): Layer | undefined {
  const { element: el, source, from, to, frame } = spec;
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
  filters.push(`setpts=PTS-STARTPTS+${num(from)}/TB`);
  return {
    at: spec.at,
    inputArgs: sourceInputArgs(source),
    filters,
    decoded: { ...decoded, still: true, scale },
    drawn,
    overlay: { x, y, from, to, eofAction: "repeat" },
  };
}
