import type { ImageElementInput } from "../schema/request-schema.js";
import { elementBox, type Size } from "./element-box.js";
import { num } from "./ffmpeg-escape.js";
import type { Layer } from "./layer-stack.js";
import type { SourceInfo } from "./render-plan.js";
import { resizeFilters } from "./resize-filter.js";
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
 * A still drawn over [from, to] of a scene. The image is decoded once (no `-loop 1`): overlay's
 * default end-of-stream behaviour repeats the last frame, which avoids decoding and scaling the
 * same picture for every output frame.
 */
export function imageLayer(spec: ImageLayerSpec): Layer {
  const { element: el, source, from, to } = spec;
  const natural = { width: source.width, height: source.height };
  const sized = el.width !== undefined || el.height !== undefined;
  const x = el.x ?? 0;
  const y = el.y ?? 0;
  const filters: string[] = [];
  if (sized) {
    const box = elementBox(el, natural, spec.frame);
    filters.push(...resizeFilters(el.resize ?? "cover", box.width, box.height));
  } else {
    // Natural size: nothing to scale, only square the pixels so overlay places it as probed.
    filters.push("setsar=1");
  }
  filters.push(`setpts=PTS-STARTPTS+${num(from)}/TB`);
  return {
    at: spec.at,
    inputArgs: sourceInputArgs(source),
    filters,
    overlay: { x, y, from, to, eofAction: "repeat" },
  };
}
