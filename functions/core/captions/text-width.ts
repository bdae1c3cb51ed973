import { advanceInFontSizes } from "./font-coverage.js";
import { INVISIBLE, splitFontRuns } from "./font-runs.js";

/**
 * How wide a caption line renders, from the advance widths of the bundled fonts (tabled in
 * font-data.ts from the font files, in the face and stand-in each character is drawn with), without
 * kerning, which only narrows a line. The planner is pure and has no font files to measure with.
 */

export interface WidthOptions {
  /** The caption font family (an installed one). */
  family: string;
  /** ASS font size in output pixels. */
  fontSizePx: number;
  /** Outline width in px; adds to both sides of the line. */
  outlinePx?: number;
  /** The bold face (captions are always bold). @default true */
  bold?: boolean;
}

const ZERO_WIDTH = /\p{Mn}|\p{Me}/u;

/** Rendered width of `text` in pixels. */
export function measureTextWidth(text: string, o: WidthOptions): number {
  let size = 0;
  for (const run of splitFontRuns(text, o.family).runs) {
    for (const ch of run.text) {
      if (INVISIBLE.test(ch) || ZERO_WIDTH.test(ch)) continue;
      size += advanceInFontSizes(run.family, ch.codePointAt(0) ?? 0, o.bold ?? true);
    }
  }
  return size * o.fontSizePx + 2 * (o.outlinePx ?? 0);
}
