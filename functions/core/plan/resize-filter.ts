import { num } from "./ffmpeg-escape.js";

export type ResizeMode = "cover" | "contain" | "stretch" | "center" | "fit";

/** Transparent, so a letterboxed or centred layer shows what lies beneath it instead of bars. */
const CLEAR = "black@0";

/**
 * The filters that make a layer exactly `width`×`height`. Every mode ends at the box size so the
 * overlay position means the same thing whatever the mode. Padding happens in RGBA because a
 * transparent pad colour is only honoured when the frame carries alpha.
 */
export function resizeFilters(mode: ResizeMode, width: number, height: number): string[] {
  const w = num(width);
  const h = num(height);
  const pad = `pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=${CLEAR}`;
  switch (mode) {
    case "cover":
      return [`scale=${w}:${h}:force_original_aspect_ratio=increase`, `crop=${w}:${h}`, "setsar=1"];
    case "contain":
    case "fit":
      return ["format=rgba", `scale=${w}:${h}:force_original_aspect_ratio=decrease`, pad, "setsar=1"];
    case "stretch":
      return [`scale=${w}:${h}`, "setsar=1"];
    case "center":
      // crop's x/y default to the centre; the quotes keep min()'s comma from splitting the chain.
      return ["format=rgba", `crop='min(iw,${w})':'min(ih,${h})'`, pad, "setsar=1"];
  }
}

/** Whether the chain already carries alpha (later fades need it). */
export function resizeKeepsAlpha(mode: ResizeMode): boolean {
  return mode === "contain" || mode === "fit" || mode === "center";
}

/**
 * The largest fraction (at most 1) of a source's resolution that `mode` keeps when it fits the
 * source into a `box`: a layer of one shared decode may be fed a copy scaled down to it first.
 */
export function resizeScale(
  mode: ResizeMode,
  source: { width: number; height: number },
  box: { width: number; height: number },
): number {
  const sx = box.width / source.width;
  const sy = box.height / source.height;
  switch (mode) {
    case "cover":
    case "stretch":
      return Math.min(1, Math.max(sx, sy));
    case "contain":
    case "fit":
      return Math.min(1, sx, sy);
    case "center":
      return 1;
  }
}
