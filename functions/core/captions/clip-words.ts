import type { Word } from "./word.js";

/**
 * Ordered, non-overlapping words inside [0, duration]: sorted by start, each start raised to the
 * previous end, ends clipped; words that would start at or after `duration` are dropped.
 */
export function clipWords(words: readonly Word[], duration: number): Word[] {
  const out: Word[] = [];
  let floor = 0;
  for (const w of [...words].sort((a, b) => a.start - b.start)) {
    const start = Math.max(w.start, floor, 0);
    if (start >= duration) break;
    const end = Math.min(Math.max(w.end, start), duration);
    out.push({ word: w.word, start, end });
    floor = end;
  }
  return out;
}
