import { describe, expect, it } from "vitest";
import { splitIntoLines } from "../../../functions/core/captions/split-into-lines.js";
import { measureTextWidth } from "../../../functions/core/captions/text-width.js";
import type { Word } from "../../../functions/core/captions/word.js";

/** Words 0.3 s long every 0.4 s (no pauses). */
function timed(text: string, step = 0.4): Word[] {
  return text.split(" ").map((word, i) => ({ word, start: i * step, end: i * step + 0.3 }));
}

const FAMILY = "Liberation Sans";
const wide = { family: FAMILY, maxWordsPerLine: 50, maxLineWidthPx: 10_000, fontSizePx: 40 };
const texts = (lines: { words: Word[] }[]) => lines.map((l) => l.words.map((w) => w.word).join(" "));

describe("splitIntoLines", () => {
  it("breaks after phrase punctuation", () => {
    const lines = splitIntoLines(
      timed("Every morning, the keeper climbs. Then he rests! Why? Because; he: can"),
      wide,
    );
    expect(texts(lines)).toEqual([
      "Every morning,",
      "the keeper climbs.",
      "Then he rests!",
      "Why?",
      "Because;",
      "he:",
      "can",
    ]);
  });

  it("breaks after punctuation followed by a closing quote", () => {
    expect(texts(splitIntoLines(timed('He said "stop." and left'), wide))).toEqual([
      'He said "stop."',
      "and left",
    ]);
  });

  it("breaks at a pause longer than 0.6 s but not at a shorter one", () => {
    const words: Word[] = [
      { word: "one", start: 0, end: 0.3 },
      { word: "two", start: 0.8, end: 1.0 }, // 0.5 s gap: same line
      { word: "three", start: 1.7, end: 2.0 }, // 0.7 s gap: new line
      { word: "four", start: 2.1, end: 2.4 },
    ];
    const lines = splitIntoLines(words, wide);
    expect(texts(lines)).toEqual(["one two", "three four"]);
    expect(lines[1]).toMatchObject({ start: 1.7, end: 2.4 });
  });

  it("puts at most max words on a line, in as few lines as that allows", () => {
    const lines = splitIntoLines(timed("a b c d e f g h"), { ...wide, maxWordsPerLine: 3 });
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.words.length).sort()).toEqual([2, 3, 3]);
  });

  it("balances a phrase over its lines instead of leaving one word alone", () => {
    const lines = splitIntoLines(timed("the keeper climbs the stairs every single morning"), {
      ...wide,
      maxWordsPerLine: 7,
    });
    expect(texts(lines)).toEqual(["the keeper climbs the", "stairs every single morning"]);
  });

  it("balances by width when the room, not the word count, forces a break", () => {
    const words = timed("a lighthouse keeper climbs up the stairs to the lamp room");
    const o = { ...wide, fontSizePx: 60, maxLineWidthPx: 1152 };
    const lines = splitIntoLines(words, o);
    const widths = lines.map((l) => measureTextWidth(l.words.map((w) => w.word).join(" "), o));
    expect(lines).toHaveLength(2);
    expect(Math.min(...widths) / Math.max(...widths)).toBeGreaterThan(0.75);
  });

  it("never lets a line's estimated width pass the room it has", () => {
    const words = timed(Array.from({ length: 40 }, (_, i) => `word${i}`).join(" "));
    const o = { family: FAMILY, maxWordsPerLine: 50, maxLineWidthPx: 1152, fontSizePx: 120 };
    const lines = splitIntoLines(words, o);
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      const text = line.words.map((w) => w.word).join(" ");
      if (line.words.length > 1) expect(measureTextWidth(text, o)).toBeLessThanOrEqual(o.maxLineWidthPx);
    }
    expect(lines.flatMap((l) => l.words)).toHaveLength(40);
  });

  it("gives a word wider than the frame a line of its own", () => {
    const lines = splitIntoLines(timed("a Supercalifragilisticexpialidocious b"), {
      family: FAMILY,
      maxWordsPerLine: 10,
      maxLineWidthPx: 400,
      fontSizePx: 60,
    });
    expect(texts(lines)).toEqual(["a", "Supercalifragilisticexpialidocious", "b"]);
  });

  it("measures the displayed text (all caps is wider)", () => {
    const words = timed("aaaa aaaa aaaa aaaa");
    const o = { family: FAMILY, maxWordsPerLine: 10, maxLineWidthPx: 420, fontSizePx: 40 };
    expect(splitIntoLines(words, o)).toHaveLength(1);
    expect(splitIntoLines(words, { ...o, display: (w) => w.toUpperCase() }).length).toBeGreaterThan(1);
  });

  it("skips empty words and returns nothing for nothing", () => {
    expect(splitIntoLines([], wide)).toEqual([]);
    expect(texts(splitIntoLines([{ word: " ", start: 0, end: 1 }, ...timed("x")], wide))).toEqual(["x"]);
  });
});
