import { estimateTextWidth, type WidthOptions } from "./text-width.js";
import type { Word } from "./word.js";

/** A caption line: consecutive words shown together, from the first word's start to the last word's end. */
export interface CaptionLine {
  words: Word[];
  start: number;
  end: number;
}

export interface SplitOptions extends WidthOptions {
  /** At most this many words on a line. */
  maxWordsPerLine: number;
  /** The room a line has, px (frame width minus margins). */
  maxLineWidthPx: number;
  /** A silence longer than this starts a new line, seconds (default 0.6). */
  pauseSeconds?: number;
  /** Transform applied before measuring (e.g. upper-casing for all_caps). */
  display?: (word: string) => string;
}

/** A word that ends a phrase: . , ! ? ; : … — possibly followed by closing quotes/brackets. */
const PHRASE_END = /[.,!?;:…。，！？、]["'”’)\]»]*$/;

/**
 * Splits timed words into caption lines. A line ends after punctuation that closes a phrase, before
 * a pause longer than `pauseSeconds`, at `maxWordsPerLine`, and before the word that would make it
 * wider than `maxLineWidthPx` (estimated conservatively). A single word wider than the room gets a
 * line of its own; the document builder shrinks such a line to fit.
 */
export function splitIntoLines(words: readonly Word[], o: SplitOptions): CaptionLine[] {
  const pause = o.pauseSeconds ?? 0.6;
  const display = o.display ?? ((w: string) => w);
  const lines: CaptionLine[] = [];
  let current: Word[] = [];
  let text = "";

  const flush = () => {
    const first = current[0];
    const last = current[current.length - 1];
    if (first && last) lines.push({ words: current, start: first.start, end: last.end });
    current = [];
    text = "";
  };

  for (const w of words) {
    const label = display(w.word).trim();
    if (!label) continue;
    const prev = current[current.length - 1];
    if (prev) {
      const candidate = `${text} ${label}`;
      const tooWide = estimateTextWidth(candidate, o) > o.maxLineWidthPx;
      const tooMany = current.length >= o.maxWordsPerLine;
      const paused = w.start - prev.end > pause;
      const phraseEnded = PHRASE_END.test(prev.word.trim());
      if (tooWide || tooMany || paused || phraseEnded) flush();
    }
    current.push(w);
    text = text ? `${text} ${label}` : label;
  }
  flush();
  return lines;
}
