import { type CaptionPosition, parseCaptionPosition } from "../captions/caption-position.js";
import { type ResolvedFont, resolveFont } from "../captions/font-map.js";
import {
  TEXT_STYLE_KEYS,
  type TextElementInput,
  type TextStyle,
  textPixels,
} from "../schema/text-element-schema.js";

/**
 * Every look setting of a text element with its default filled in, sizes in output pixels:
 * - font Liberation Sans, bold; size 6 % of the frame's shorter side (65 px on 1080p and on a
 *   1080×1920 short); white; no box (box padding 30 % of the size, square corners); no outline,
 *   no shadow (shadow colour half-transparent black once an offset turns it on);
 * - line spacing 1.2 (baseline to baseline, in font sizes);
 * - placed at center-center with margins of 5 % of the shorter side, unless x/y are given;
 *   lines aligned by the position's column (left for x/y).
 */
export interface ResolvedTextStyle {
  font: ResolvedFont;
  bold: boolean;
  fontSize: number;
  color: string;
  boxColor: string | undefined;
  boxPadding: number;
  boxRadius: number;
  outlineColor: string;
  outlineWidth: number;
  shadowColor: string;
  shadowOffset: number;
  align: "left" | "center" | "right";
  lineSpacing: number;
  /** Undefined when the element gives x/y. */
  position: CaptionPosition | undefined;
  margin: number;
  allCaps: boolean;
}

export const DEFAULT_LINE_SPACING = 1.2;

/**
 * A text element's own style keys over the project's `text_style`, field by field: what the element
 * sets wins, everything else comes from the project (the same cascade as captions' settings).
 */
export function inheritTextStyle(el: TextElementInput, project: TextStyle | undefined): TextStyle {
  const own: Record<string, unknown> = {};
  for (const key of TEXT_STYLE_KEYS) if (el[key] !== undefined) own[key] = el[key];
  const { comment: _comment, ...inherited } = project ?? {};
  return { ...inherited, ...(own as TextStyle) };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function resolveTextStyle(
  el: TextElementInput,
  project: TextStyle | undefined,
  frame: { width: number; height: number },
): { style: ResolvedTextStyle; warnings: string[] } {
  const s = inheritTextStyle(el, project);
  const warnings: string[] = [];
  const font = resolveFont(s.font_family);
  if (font.fallback) warnings.push(`font "${s.font_family}" is not available; using ${font.family} instead`);
  const shorter = Math.min(frame.width, frame.height);
  const fontSize = round2(s.font_size !== undefined ? textPixels(s.font_size) : shorter * 0.06);
  const weight = s.font_weight ?? "bold";
  const placedByXY = el.x !== undefined || el.y !== undefined;
  const position = placedByXY ? undefined : parseCaptionPosition(s.position ?? "center-center");
  const column = position?.split("-")[0] as "left" | "center" | "right" | undefined;
  return {
    style: {
      font,
      bold: weight === "bold" || (typeof weight === "number" && weight >= 600),
      fontSize,
      color: s.color ?? "#FFFFFF",
      boxColor: s.box_color,
      boxPadding: round2(s.box_padding !== undefined ? textPixels(s.box_padding) : fontSize * 0.3),
      boxRadius: round2(s.box_radius !== undefined ? textPixels(s.box_radius) : 0),
      outlineColor: s.outline_color ?? "#000000",
      outlineWidth: round2(s.outline_width !== undefined ? textPixels(s.outline_width) : 0),
      shadowColor: s.shadow_color ?? "#00000080",
      shadowOffset: round2(s.shadow_offset !== undefined ? textPixels(s.shadow_offset) : 0),
      align: s.text_align ?? column ?? "left",
      lineSpacing: s.line_spacing ?? DEFAULT_LINE_SPACING,
      position,
      margin: round2(s.margin !== undefined ? textPixels(s.margin) : shorter * 0.05),
      allCaps: s.all_caps ?? false,
    },
    warnings,
  };
}
