import type { SubtitleSettings } from "../schema/request-schema.js";
import { type CaptionPosition, parseCaptionPosition } from "./caption-position.js";
import { type ResolvedFont, resolveFont } from "./font-map.js";

/**
 * Every subtitle setting of SPEC §3 with its default filled in. Defaults (documented choices):
 * - style `progressive`: the whole phrase shows while it is spoken and the word being spoken is
 *   drawn in `word_color`; `classic` shows each phrase in `line_color` only.
 * - font DejaVu Sans; font_size 5 % of the output height (54 px at 1080p).
 * - line_color #FFFFFF (white), word_color #FFD500 (yellow highlight).
 * - outline #000000, width ≈ 6 % of the font size (3 px at 54 px); 0 turns it off.
 * - shadow off; giving shadow_color alone turns it on at ≈ 4 % of the font size;
 *   shadow_color defaults to half-transparent black (#00000080).
 * - box off; box_color draws an opaque box (padding ≈ 25 % of the font size) behind each line.
 * - position center-bottom; max_words_per_line 7 (and always few enough to fit the width); all_caps off.
 */
export interface CaptionStyle {
  style: "progressive" | "classic";
  font: ResolvedFont;
  fontSize: number;
  wordColor: string;
  lineColor: string;
  outlineColor: string;
  outlineWidth: number;
  shadowColor: string;
  shadowOffset: number;
  boxColor: string | undefined;
  boxPadding: number;
  position: CaptionPosition;
  maxWordsPerLine: number;
  allCaps: boolean;
}

export const DEFAULT_MAX_WORDS_PER_LINE = 7;
export const DEFAULT_WORD_COLOR = "#FFD500";
export const DEFAULT_LINE_COLOR = "#FFFFFF";

export function resolveCaptionStyle(
  settings: SubtitleSettings | undefined,
  frame: { width: number; height: number },
): { style: CaptionStyle; warnings: string[] } {
  const s = settings ?? {};
  const warnings: string[] = [];
  const font = resolveFont(s.font_family);
  if (font.fallback) {
    warnings.push(`caption font "${s.font_family}" is not available; using ${font.family} instead`);
  }
  const fontSize = s.font_size ?? Math.max(10, Math.round(frame.height * 0.05));
  const outlineWidth = s.outline_width ?? Math.max(1, Math.round(fontSize * 0.06));
  const shadowOffset = s.shadow_offset ?? (s.shadow_color ? Math.max(1, Math.round(fontSize * 0.04)) : 0);
  return {
    style: {
      style: s.style ?? "progressive",
      font,
      fontSize,
      wordColor: s.word_color ?? DEFAULT_WORD_COLOR,
      lineColor: s.line_color ?? DEFAULT_LINE_COLOR,
      outlineColor: s.outline_color ?? "#000000",
      outlineWidth,
      shadowColor: s.shadow_color ?? "#00000080",
      shadowOffset,
      boxColor: s.box_color,
      boxPadding: Math.max(outlineWidth, Math.round(fontSize * 0.25)),
      position: parseCaptionPosition(s.position),
      maxWordsPerLine: s.max_words_per_line ?? DEFAULT_MAX_WORDS_PER_LINE,
      allCaps: s.all_caps ?? false,
    },
    warnings,
  };
}
