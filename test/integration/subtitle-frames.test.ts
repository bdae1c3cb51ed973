import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAssDocument } from "../../functions/core/captions/build-ass-document.js";
import type { Word } from "../../functions/core/captions/word.js";
import type { SubtitleSettings } from "../../functions/core/schema/request-schema.js";
import { burnAss, type Frame, pixelBox } from "../support/burn-captions.js";

/**
 * Captions as they look: the generated ASS burned with ffmpeg's `subtitles` filter and the bundled
 * fonts directory onto a flat 1280×720 background, frames read back as RGB (PNG, lossless).
 */
const W = 1280;
const H = 720;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-subs-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function timed(text: string, step = 0.5): Word[] {
  return text.split(" ").map((word, i) => ({ word, start: 0.2 + i * step, end: 0.2 + i * step + 0.4 }));
}

/** Burns captions for `words` and returns the frames at `times` (seconds). */
async function render(
  settings: SubtitleSettings,
  words: Word[],
  times: number[],
  sceneDuration = 30,
): Promise<Frame[]> {
  const doc = buildAssDocument({ width: W, height: H, words, settings, sceneDuration });
  return burnAss(dir, doc.content, { width: W, height: H, times });
}

const box = pixelBox;

const third = (lo: number, hi: number, size: number) => {
  const t = size / 3;
  const index = (v: number) => Math.min(2, Math.floor(v / t));
  return index(lo) === index(hi) ? index(lo) : -1;
};

describe("burned-in captions", () => {
  it("colours the word being spoken with word_color and the rest with line_color", async () => {
    const words = timed("the keeper climbs the stairs");
    // At 0.95 s the second word ("keeper", 0.7–1.1 s) is being spoken.
    const [frame] = await render(
      { style: "karaoke", word_color: "#00FF00", line_color: "#FFFFFF", font_size: "60px" },
      words,
      [0.95],
    );
    if (!frame) throw new Error("no frame");
    const green = box(frame, [0, 255, 0]);
    const white = box(frame, [255, 255, 255]);
    expect(green.count).toBeGreaterThan(200);
    expect(white.count).toBeGreaterThan(200);
    // "keeper" is right of "the": green starts after the first white pixels.
    expect(green.minX).toBeGreaterThan(white.minX);
    // Caption region: bottom third.
    expect(third(green.minY, green.maxY, H)).toBe(2);
  });

  it.each([
    ["left-top", 0, 0],
    ["center-top", 1, 0],
    ["right-top", 2, 0],
    ["left-center", 0, 1],
    ["center-center", 1, 1],
    ["right-center", 2, 1],
    ["left-bottom", 0, 2],
    ["center-bottom", 1, 2],
    ["right-bottom", 2, 2],
  ])("puts a %s caption in its third of the frame", async (position, column, row) => {
    const [frame] = await render(
      { position, style: "classic", font_size: "40px" },
      timed("the keeper climbs"),
      [0.5],
    );
    if (!frame) throw new Error("no frame");
    const b = box(frame);
    expect(b.count).toBeGreaterThan(100);
    expect(third(b.minX, b.maxX, W)).toBe(column);
    expect(third(b.minY, b.maxY, H)).toBe(row);
    expect(b.minX).toBeGreaterThan(0);
    expect(b.minY).toBeGreaterThan(0);
    expect(b.maxX).toBeLessThan(W - 1);
    expect(b.maxY).toBeLessThan(H - 1);
  });

  it("fills a box of box_color behind the line", async () => {
    const [frame] = await render(
      { box_color: "#FF00FF", line_color: "#FFFFFF", style: "classic", font_size: "50px" },
      timed("the keeper climbs"),
      [0.5],
    );
    if (!frame) throw new Error("no frame");
    const magenta = box(frame, [255, 0, 255]);
    const area = (magenta.maxX - magenta.minX + 1) * (magenta.maxY - magenta.minY + 1);
    expect(magenta.count).toBeGreaterThan(5000);
    // Filled: half or more of the box's rectangle is box colour (the rest is the bold, outlined text on it).
    expect(magenta.count / area).toBeGreaterThan(0.5);
    const text = box(frame, [255, 255, 255]);
    expect(text.minX).toBeGreaterThan(magenta.minX);
    expect(text.maxX).toBeLessThan(magenta.maxX);
    expect(text.minY).toBeGreaterThan(magenta.minY);
    expect(text.maxY).toBeLessThan(magenta.maxY);
  });

  it("keeps every line of a 40-word sentence at font-size 120 inside the frame", async () => {
    const text = Array.from(
      { length: 39 },
      (_, i) =>
        ["wonderful", "lighthouse", "keepers", "always", "remember", "extraordinary", "mornings"][i % 7],
    ).join(" ");
    const words = timed(`${text} Pneumonoultramicroscopicsilicovolcanoconiosis`, 0.3);
    const doc = buildAssDocument({
      width: W,
      height: H,
      words,
      settings: { font_size: "120px", style: "classic" },
      sceneDuration: 30,
    });
    expect(doc.lines.flatMap((l) => l.words)).toHaveLength(40);
    // The widest lines (most characters) and the one too-long word, which is shrunk to fit.
    const chars = (l: (typeof doc.lines)[number]) => l.words.map((w) => w.word).join(" ").length;
    const widest = [...doc.lines].sort((a, b) => chars(b) - chars(a)).slice(0, 4);
    const longWord = doc.lines.at(-1);
    if (!longWord) throw new Error("no lines");
    const times = [...new Set([...widest, longWord])].map((l) => (l.start + l.end) / 2).sort((a, b) => a - b);
    const frames = await render({ font_size: "120px", style: "classic" }, words, times);
    for (const [i, frame] of frames.entries()) {
      const b = box(frame);
      expect(b.count, `line ${i} is drawn`).toBeGreaterThan(500);
      expect(b.minX, `line ${i} left edge`).toBeGreaterThan(0);
      expect(b.maxX, `line ${i} right edge`).toBeLessThan(W - 1);
      expect(b.minY, `line ${i} top edge`).toBeGreaterThan(0);
      expect(b.maxY, `line ${i} bottom edge`).toBeLessThan(H - 1);
    }
  });

  it("renders injected override tags literally, at normal size and colour", async () => {
    const [frame] = await render(
      { style: "classic", font_size: "40px", line_color: "#FFFFFF" },
      [{ word: "{\\fs200\\c&H0000FF&}hi", start: 0.1, end: 1 }],
      [0.5],
    );
    if (!frame) throw new Error("no frame");
    const b = box(frame);
    // The literal text is ~22 characters wide at 40 px; "hi" alone at 200 px would be ~110 × 150 px.
    expect(b.maxX - b.minX).toBeGreaterThan(350);
    expect(b.maxY - b.minY).toBeLessThan(80);
    // &H0000FF& would be pure red: none of it.
    expect(box(frame, [255, 0, 0], 60).count).toBe(0);
    expect(box(frame, [255, 255, 255]).count).toBeGreaterThan(300);
  });
});
