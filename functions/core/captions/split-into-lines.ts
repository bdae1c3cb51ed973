import { measureTextWidth, type WidthOptions } from "./text-width.js";
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
  /** The room a line has, px. */
  maxLineWidthPx: number;
  /** A silence longer than this starts a new line, seconds (default 0.6). */
  pauseSeconds?: number;
  /** Transform applied before measuring (e.g. upper-casing for all_caps). */
  display?: (word: string) => string;
}

/** A word that ends a phrase: . , ! ? ; : … — possibly followed by closing quotes/brackets. */
const PHRASE_END = /[.,!?;:…。，！？、،؛؟]["'”’)\]»]*$/;

/**
 * Splits timed words into caption lines. A phrase ends after punctuation that closes it and before a
 * pause longer than `pauseSeconds`. Each phrase gets as few lines as `maxWordsPerLine` and the room
 * allow, and its words are spread over them as evenly as their widths allow (the widest line as
 * narrow as possible), so eight words become 4 + 4, not 7 + 1. A single word wider than the room gets
 * a line of its own; the document builder shrinks such a line to fit.
 */
export function splitIntoLines(words: readonly Word[], o: SplitOptions): CaptionLine[] {
  const pause = o.pauseSeconds ?? 0.6;
  const display = o.display ?? ((w: string) => w);
  const phrases: Word[][] = [];
  let current: Word[] = [];
  for (const w of words) {
    if (!display(w.word).trim()) continue;
    const prev = current.at(-1);
    if (prev && (w.start - prev.end > pause || PHRASE_END.test(prev.word.trim()))) {
      phrases.push(current);
      current = [];
    }
    current.push(w);
  }
  if (current.length > 0) phrases.push(current);
  return phrases.flatMap((phrase) =>
    balance(phrase, o, display).map((ws) => ({
      words: ws,
      start: ws[0]?.start ?? 0,
      end: ws.at(-1)?.end ?? 0,
    })),
  );
}

interface Best {
  lines: number;
  widest: number;
  squares: number;
  from: number;
}

/** Fewest lines, then the narrowest widest line, then the most even widths (dynamic programming over break points). */
function balance(phrase: readonly Word[], o: SplitOptions, display: (w: string) => string): Word[][] {
  const measure = { family: o.family, fontSizePx: o.fontSizePx };
  const widths = phrase.map((w) => measureTextWidth(display(w.word).trim(), measure));
  const space = measureTextWidth(" ", measure);
  const edge = 2 * (o.outlinePx ?? 0);
  const best: (Best | undefined)[] = [{ lines: 0, widest: 0, squares: 0, from: 0 }];
  for (let end = 1; end <= phrase.length; end++) {
    let width = edge - space;
    for (let start = end - 1; start >= 0 && end - start <= o.maxWordsPerLine; start--) {
      width += (widths[start] ?? 0) + space;
      if (width > o.maxLineWidthPx && end - start > 1) break;
      const prev = best[start];
      if (!prev) continue;
      const candidate: Best = {
        lines: prev.lines + 1,
        widest: Math.max(prev.widest, width),
        squares: prev.squares + width * width,
        from: start,
      };
      const known = best[end];
      if (!known || better(candidate, known)) best[end] = candidate;
    }
  }
  const lines: Word[][] = [];
  for (let end = phrase.length; end > 0; ) {
    const from = best[end]?.from ?? end - 1;
    lines.unshift(phrase.slice(from, end));
    end = from;
  }
  return lines;
}

function better(a: Best, b: Best): boolean {
  if (a.lines !== b.lines) return a.lines < b.lines;
  if (Math.abs(a.widest - b.widest) > 0.5) return a.widest < b.widest;
  return a.squares < b.squares;
}
