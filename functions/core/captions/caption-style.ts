import type { SubtitleSettings } from "../schema/request-schema.js";
import { type CaptionPosition, parseCaptionPosition } from "./caption-position.js";
import { type CaptionLength, lengthToPixels } from "./caption-units.js";
import { type ResolvedFont, resolveFont } from "./font-map.js";

export type CaptionStyleName = "progressive" | "karaoke" | "classic";

/**
 * Every subtitle setting with its default filled in, sizes in output pixels. The defaults are the
 * look VideoCraft draws (its ASS style line), so a VideoCraft request looks the same:
 * - style `progressive`: one word on screen at a time, in `word_color`; `karaoke`: the phrase, the
 *   spoken word in `word_color` and the rest in `line_color`; `classic`: the phrase in `line_color`.
 * - font Liberation Sans (Arial's metrics; VideoCraft asks for Arial), always bold; font_size 24,
 *   outline_width 2, shadow_offset 1, in VideoCraft's unit (× output height / 288).
 * - word_color #FFFFFF (karaoke: #FFD500, the highlight); line_color = word_color (karaoke: #FFFFFF).
 * - outline #000000; shadow #000000 (opaque, the colour VideoCraft's shadow comes out in).
 * - box off; box_color draws an opaque box (padding: the outline + 20 % of the font size) behind each line.
 * - position center-bottom; max_words_per_line 7 (and always few enough to fit the width); all_caps off.
 */
export interface CaptionStyle {
  style: CaptionStyleName;
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
export const DEFAULT_FONT_SIZE = 24;
export const DEFAULT_OUTLINE_WIDTH = 2;
export const DEFAULT_SHADOW_OFFSET = 1;
export const DEFAULT_WORD_COLOR = "#FFFFFF";
export const DEFAULT_HIGHLIGHT_COLOR = "#FFD500";

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
  const px = (length: CaptionLength) => round2(lengthToPixels(length, frame.height));
  const style = s.style ?? "progressive";
  const fontSize = px(s.font_size ?? DEFAULT_FONT_SIZE);
  const outlineWidth = px(s.outline_width ?? DEFAULT_OUTLINE_WIDTH);
  const karaoke = style === "karaoke";
  const wordColor = s.word_color ?? (karaoke ? DEFAULT_HIGHLIGHT_COLOR : DEFAULT_WORD_COLOR);
  return {
    style: {
      style,
      font,
      fontSize,
      wordColor,
      lineColor: s.line_color ?? (karaoke ? DEFAULT_WORD_COLOR : wordColor),
      outlineColor: s.outline_color ?? "#000000",
      outlineWidth,
      shadowColor: s.shadow_color ?? "#000000",
      shadowOffset: px(s.shadow_offset ?? DEFAULT_SHADOW_OFFSET),
      boxColor: s.box_color,
      boxPadding: round2(outlineWidth + fontSize * 0.2),
      position: parseCaptionPosition(s.position),
      maxWordsPerLine: s.max_words_per_line ?? DEFAULT_MAX_WORDS_PER_LINE,
      allCaps: s.all_caps ?? false,
    },
    warnings,
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
