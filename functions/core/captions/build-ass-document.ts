import type { SubtitleSettings } from "../schema/request-schema.js";
import { toAssColor } from "./ass-color.js";
import { ASS_EVENTS_HEADER, assScriptInfo } from "./ass-header.js";
import { formatAssTime, toCentiseconds } from "./ass-time.js";
import { composeLineMarkup, type MarkupWord } from "./caption-line-markup.js";
import { placeCaption } from "./caption-position.js";
import { type CaptionStyle, resolveCaptionStyle } from "./caption-style.js";
import { type CaptionLine, splitIntoLines } from "./split-into-lines.js";
import { measureTextWidth } from "./text-width.js";
import type { Word } from "./word.js";

export interface AssDocumentInput {
  /** Output frame size; becomes PlayResX/PlayResY so sizes and margins are output pixels. */
  width: number;
  height: number;
  /** Timed words relative to the scene start (see `offsetWords`). */
  words: readonly Word[];
  settings?: SubtitleSettings | undefined;
  /** The scene's length: nothing is shown at or after it, so captions never cross a cut. */
  sceneDuration: number;
}

export interface AssDocument {
  /** The `.ass` file, ready for ffmpeg's `subtitles=<file>:fontsdir=…` filter. */
  content: string;
  /** Non-fatal notes for the job status (font fallback, missing glyphs, words after the scene's end). */
  warnings: string[];
  /** What is shown together: a phrase line (karaoke, classic) or one word (progressive). */
  lines: CaptionLine[];
  /** Dialogue events written. */
  events: number;
}

/** A line is kept on screen this long after its last word, unless the next line starts earlier. */
const HOLD_SECONDS = 0.5;
/** Share of the frame width a caption line may take. */
const LINE_ROOM = 0.9;

/**
 * Builds the ASS subtitle file for one scene.
 *
 * `progressive` (VideoCraft's): one Dialogue per word, shown from its start to the next word's
 * start (the last word until its end), in word_color. `karaoke`: each phrase line is on screen while
 * it is spoken, written as one Dialogue per word time slice, each drawing the whole line with the
 * active word in word_color and the rest in line_color. `classic`: one Dialogue per line in
 * line_color. With box_color an extra layer-0 Dialogue draws the opaque box (BorderStyle 3) under
 * the text, so text outline and box can both be honoured. Only the user's words are escaped; the
 * override tags are ours (see composeLineMarkup).
 */
export function buildAssDocument(input: AssDocumentInput): AssDocument {
  const frame = { width: input.width, height: input.height };
  const { style, warnings } = resolveCaptionStyle(input.settings, frame);
  const place = placeCaption(style.position, frame);
  const room = Math.floor(input.width * LINE_ROOM);
  const family = style.font.family;
  const outlinePx = style.boxColor ? style.boxPadding : style.outlineWidth;
  const display = (w: string) => (style.allCaps ? w.toUpperCase() : w).trim();
  const baseColor = style.style === "progressive" ? style.wordColor : style.lineColor;

  const words = sanitise(input.words);
  const lines =
    style.style === "progressive"
      ? words.map((w) => ({ words: [w], start: w.start, end: w.end }))
      : splitIntoLines(words, {
          family,
          fontSizePx: style.fontSize,
          outlinePx,
          maxWordsPerLine: style.maxWordsPerLine,
          maxLineWidthPx: room,
          display,
        });

  const sceneEnd = toCentiseconds(input.sceneDuration);
  const dialogues: string[] = [];
  const missing = new Set<string>();
  let dropped = 0;
  const push = (layer: number, styleName: string, from: number, to: number, text: string) => {
    const a = Math.min(from, sceneEnd);
    const b = Math.min(to, sceneEnd);
    if (b <= a) return;
    dialogues.push(`Dialogue: ${layer},${formatAssTime(a)},${formatAssTime(b)},${styleName},,0,0,0,,${text}`);
  };
  const markup = (ws: readonly MarkupWord[], color?: string) => {
    const m = composeLineMarkup(ws, { family, color });
    for (const ch of m.missing) missing.add(ch);
    return m.text;
  };

  lines.forEach((line, li) => {
    const next = lines[li + 1];
    const lineStart = toCentiseconds(line.start);
    const lineEnd =
      style.style === "progressive"
        ? toCentiseconds(next ? next.start : line.end)
        : Math.max(
            toCentiseconds(line.end),
            toCentiseconds(next ? Math.min(line.end + HOLD_SECONDS, next.start) : line.end + HOLD_SECONDS),
          );
    dropped += line.words.filter((w) => toCentiseconds(w.start) >= sceneEnd).length;
    if (lineStart >= sceneEnd) return;
    const labels = line.words.map((w) => display(w.word));
    const width = measureTextWidth(labels.join(" "), { family, fontSizePx: style.fontSize, outlinePx });
    const fit = width > room ? fitTags(room / width) : "";
    const plain = labels.map((text) => ({ text }));

    if (style.boxColor) push(0, "CaptionBox", lineStart, lineEnd, `${fit}${markup(plain)}`);
    if (style.style !== "karaoke") {
      push(1, "Caption", lineStart, lineEnd, `${fit}${markup(plain, baseColor)}`);
      return;
    }
    line.words.forEach((w, wi) => {
      const following = line.words[wi + 1];
      const from = wi === 0 ? lineStart : toCentiseconds(w.start);
      const to = following ? toCentiseconds(following.start) : lineEnd;
      const coloured = labels.map((text, i) => ({
        text,
        color: i === wi ? style.wordColor : style.lineColor,
      }));
      push(1, "Caption", from, to, `${fit}${markup(coloured, style.lineColor)}`);
    });
  });
  if (dropped > 0) {
    warnings.push(
      `${dropped} captioned word(s) start after the scene ends (${input.sceneDuration}s) and are not shown`,
    );
  }
  if (missing.size > 0) warnings.push(missingGlyphsWarning([...missing]));

  const content = [
    ...assScriptInfo(input.width, input.height),
    styleLine("Caption", style, place, {
      primary: toAssColor(baseColor),
      outline: toAssColor(style.outlineColor),
      back: toAssColor(style.shadowColor),
      borderStyle: 1,
      outlineWidth: style.outlineWidth,
      shadow: style.shadowOffset,
    }),
    ...(style.boxColor
      ? [
          styleLine("CaptionBox", style, place, {
            primary: "&HFF000000",
            outline: toAssColor(style.boxColor),
            back: "&HFF000000",
            borderStyle: 3,
            outlineWidth: style.boxPadding,
            shadow: 0,
          }),
        ]
      : []),
    "",
    ...ASS_EVENTS_HEADER,
    ...dialogues,
    "",
  ].join("\n");
  return { content, warnings, lines, events: dialogues.length };
}

function missingGlyphsWarning(chars: string[]): string {
  const shown = chars
    .slice(0, 8)
    .map((ch) => `"${ch}" U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`);
  const more = chars.length > 8 ? ` and ${chars.length - 8} more` : "";
  return `no bundled font can draw ${chars.length} character(s) of these captions (${shown.join(", ")}${more}); they show as empty boxes`;
}

/** Shrinks a line that would not fit (one very long word) just enough to stay inside the room. */
function fitTags(ratio: number): string {
  const pct = Math.max(10, Math.floor(ratio * 100));
  return `{\\fscx${pct}\\fscy${pct}}`;
}

function styleLine(
  name: string,
  s: CaptionStyle,
  p: ReturnType<typeof placeCaption>,
  c: {
    primary: string;
    outline: string;
    back: string;
    borderStyle: number;
    outlineWidth: number;
    shadow: number;
  },
): string {
  return [
    `Style: ${name}`,
    s.font.family,
    s.fontSize,
    c.primary,
    c.primary,
    c.outline,
    c.back,
    -1,
    0,
    0,
    0,
    100,
    100,
    0,
    0,
    c.borderStyle,
    c.outlineWidth,
    c.shadow,
    p.alignment,
    p.marginL,
    p.marginR,
    p.marginV,
    1,
  ].join(",");
}

/** Ordered, non-negative, non-empty words; an end before its start is raised to the start. */
function sanitise(words: readonly Word[]): Word[] {
  return words
    .filter((w) => w.word.trim() !== "" && Number.isFinite(w.start) && Number.isFinite(w.end))
    .map((w) => ({ word: w.word, start: Math.max(0, w.start), end: Math.max(w.start, w.end, 0) }))
    .sort((a, b) => a.start - b.start);
}
