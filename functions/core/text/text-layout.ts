import { measureTextWidth } from "../captions/text-width.js";
import type { ResolvedTextStyle } from "./text-style.js";
import { wrapParagraph } from "./wrap-text.js";

export interface LaidOutLine {
  /** The line's text (user text, not yet escaped). */
  text: string;
  width: number;
  /** ASS anchor of the line: its top-left, top-centre or top-right, by alignment. */
  x: number;
  y: number;
}

export interface TextLayout {
  /** The style's font size, or smaller when one word was wider than the wrap width. */
  fontSize: number;
  lines: LaidOutLine[];
  /** The text's box, padding included (where the background box is drawn). */
  box: { x: number; y: number; width: number; height: number };
  /** ASS numpad alignment of every line: 7 left, 8 centre, 9 right (all top-anchored). */
  alignment: 7 | 8 | 9;
}

export interface TextPlacement {
  text: string;
  x?: number | undefined;
  y?: number | undefined;
  /** Wrap width: the box is this wide (padding added). */
  width?: number | undefined;
}

const ALIGNMENT = { left: 7, center: 8, right: 9 } as const;
const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Lines, sizes and positions of a text element, measured with the bundled fonts' advance widths
 * (as captions are), so the planner can put every line and the box exactly where they belong:
 * libass has no line spacing and draws one box per line, so each line is its own event and the
 * box is a drawing of its own.
 */
export function layoutText(
  placement: TextPlacement,
  style: ResolvedTextStyle,
  frame: { width: number; height: number },
): TextLayout {
  const pad = style.boxColor ? style.boxPadding : 0;
  // Never narrower than one font size: margins that leave less are refused at validation.
  const maxWidth = Math.max(style.fontSize, placement.width ?? frame.width - 2 * style.margin - 2 * pad);
  const text = style.allCaps ? placement.text.toUpperCase() : placement.text;
  const paragraphs = text.split(/\r\n|\r|\n|\u2028|\u2029/).map((p) => p.replace(/\s+/g, " ").trim());
  const wrap = (fontSize: number) => {
    const measure = (t: string) =>
      measureTextWidth(t, {
        family: style.font.family,
        fontSizePx: fontSize,
        outlinePx: style.outlineWidth,
        bold: style.bold,
      });
    return paragraphs
      .flatMap((p) => wrapParagraph(p, measure, maxWidth))
      .map((line) => ({ text: line, width: line === "" ? 0 : measure(line) }));
  };
  let fontSize = style.fontSize;
  let lines = wrap(fontSize);
  const widest = Math.max(0, ...lines.map((l) => l.width));
  if (widest > maxWidth) {
    // A word that cannot be broken: shrink the whole text just enough, as captions do.
    fontSize = round2((fontSize * maxWidth) / widest);
    lines = wrap(fontSize);
  }
  const contentWidth = placement.width ?? Math.max(0, ...lines.map((l) => l.width));
  const pitch = fontSize * style.lineSpacing;
  const contentHeight = fontSize + (lines.length - 1) * pitch;
  const boxWidth = contentWidth + 2 * pad;
  const boxHeight = contentHeight + 2 * pad;
  const { x, y } = boxOrigin(placement, style, frame, boxWidth, boxHeight);
  const anchorX = {
    left: x + pad,
    center: x + boxWidth / 2,
    right: x + boxWidth - pad,
  }[style.align];
  return {
    fontSize,
    lines: lines.map((l, i) => ({ ...l, x: round2(anchorX), y: round2(y + pad + i * pitch) })),
    box: { x: round2(x), y: round2(y), width: round2(boxWidth), height: round2(boxHeight) },
    alignment: ALIGNMENT[style.align],
  };
}

function boxOrigin(
  placement: TextPlacement,
  style: ResolvedTextStyle,
  frame: { width: number; height: number },
  width: number,
  height: number,
): { x: number; y: number } {
  if (!style.position) return { x: placement.x ?? 0, y: placement.y ?? 0 };
  const [column, row] = style.position.split("-") as [string, string];
  const m = style.margin;
  const x = column === "left" ? m : column === "right" ? frame.width - m - width : (frame.width - width) / 2;
  const y = row === "top" ? m : row === "bottom" ? frame.height - m - height : (frame.height - height) / 2;
  return { x, y };
}
