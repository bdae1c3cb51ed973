import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAssDocument } from "../../functions/core/captions/build-ass-document.js";
import type { Word } from "../../functions/core/captions/word.js";
import type { SubtitleSettings } from "../../functions/core/schema/request-schema.js";
import { burnAss, CAPTION_BACKGROUND, type Frame, pixelBox } from "../support/burn-captions.js";
import { near } from "../support/media-probe.js";

/**
 * Captions in other writing systems, burned with the bundled fonts: every glyph is really drawn (not
 * the "notdef" box a font shows for a character it lacks), and right-to-left words stand in reading
 * order in every style.
 */
const W = 1280;
const H = 720;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-scripts-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** One word every 0.5 s; the frame at `at(i)` shows word i. */
const timed = (words: readonly string[]): Word[] =>
  words.map((word, i) => ({ word, start: 0.2 + i * 0.5, end: 0.6 + i * 0.5 }));
const at = (i: number) => 0.4 + i * 0.5;

function build(words: Word[], settings: SubtitleSettings) {
  return buildAssDocument({ width: W, height: H, words, settings, sceneDuration: 30 });
}

function mask(f: Frame): Uint8Array {
  const m = new Uint8Array(f.width * f.height);
  for (let y = 0; y < f.height; y++) {
    for (let x = 0; x < f.width; x++)
      m[y * f.width + x] = near(f.pixel(x, y), CAPTION_BACKGROUND, 40) ? 0 : 1;
  }
  return m;
}

/** Intersection over union of two drawn-pixel masks. */
function overlap(a: Uint8Array, b: Uint8Array): number {
  let both = 0;
  let either = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] && b[i]) both++;
    if (a[i] || b[i]) either++;
  }
  return either === 0 ? 1 : both / either;
}

/** The families a caption character can be drawn with: the caption font and every stand-in. */
const FAMILIES = [
  "Liberation Sans",
  "DejaVu Sans",
  "FreeSans",
  "FreeSerif",
  "Lohit Telugu",
  "Lohit Kannada",
  "WenQuanYi Micro Hei",
  "Symbola",
];
/** Khmer KA: no bundled font has it, so each family shows its notdef glyph. */
const NO_FONT_HAS = "\u1780";

describe("captions in other scripts", () => {
  it("draws CJK, Arabic, Hebrew, Indic, Thai and emoji glyphs, none of them the notdef box", async () => {
    const samples = ["中", "字", "こ", "カ", "안", "ب", "ש", "न", "ক", "ส", "த", "త", "ಕ", "😀", "👍", "❤️"];
    // Fill only (no outline, no shadow), so the masks compare the glyphs' own shapes.
    const settings: SubtitleSettings = {
      style: "progressive",
      font_size: "80px",
      outline_width: 0,
      shadow_offset: 0,
    };
    const doc = build(timed(samples), settings);
    expect(doc.warnings).toEqual([]);
    const frames = await burnAss(dir, doc.content, {
      width: W,
      height: H,
      times: samples.map((_, i) => at(i)),
    });

    // The notdef glyph of every family, drawn where a caption word is, at the same size.
    const [header = ""] = doc.content.split("[Events]");
    const notdefAss = [
      `${header}[Events]`,
      "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
      ...FAMILIES.map(
        (family, i) =>
          `Dialogue: 1,0:00:0${i}.00,0:00:0${i}.90,Caption,,0,0,0,,{\\fn${family}}${NO_FONT_HAS}`,
      ),
      "",
    ].join("\n");
    const notdefFrames = await burnAss(dir, notdefAss, {
      width: W,
      height: H,
      times: FAMILIES.map((_, i) => i + 0.5),
    });
    const notdefs = notdefFrames.map(mask);
    // The reference is a real box: something is drawn for a character no font has.
    expect(pixelBox(notdefFrames[0] as Frame).count).toBeGreaterThan(200);

    // The comparison does catch a notdef box: the character no font has, captioned the same way.
    const [tofu] = await burnAss(dir, build(timed([NO_FONT_HAS]), settings).content, {
      width: W,
      height: H,
      times: [at(0)],
    });
    expect(overlap(mask(tofu as Frame), notdefs[0] as Uint8Array)).toBeGreaterThan(0.9);

    frames.forEach((frame, i) => {
      const drawn = mask(frame);
      const count = drawn.reduce((n, v) => n + v, 0);
      expect(count, `${samples[i]} is drawn`).toBeGreaterThan(300);
      for (const [k, notdef] of notdefs.entries()) {
        expect(overlap(drawn, notdef), `${samples[i]} is not ${FAMILIES[k]}'s notdef box`).toBeLessThan(0.6);
      }
    });
  }, 60_000);

  it("warns, naming the characters, about text no bundled font can draw", () => {
    const doc = build(timed(["hello", "ខ្មែរ"]), {});
    expect(doc.warnings).toEqual([
      expect.stringMatching(/no bundled font can draw 5 character\(s\).*"ខ" U\+1781.*empty boxes/),
    ]);
  });

  /** x of the highlighted word's pixels in each frame, word by word. */
  async function highlightedX(words: string[], extra: SubtitleSettings = {}): Promise<number[]> {
    const settings: SubtitleSettings = {
      style: "karaoke",
      word_color: "#00FF00",
      line_color: "#FFFFFF",
      font_size: "60px",
      ...extra,
    };
    const frames = await burnAss(dir, build(timed(words), settings).content, {
      width: W,
      height: H,
      times: words.map((_, i) => at(i)),
    });
    return frames.map((f) => pixelBox(f, [0, 255, 0], 80).centerX);
  }

  it.each([
    ["Arabic", ["واحد", "اثنان", "ثلاثة", "أربعة"]],
    ["Hebrew", ["אחת", "שתיים", "שלוש", "ארבע"]],
  ])("karaoke keeps %s words in reading order, right to left, highlight included", async (_script, words) => {
    const xs = await highlightedX(words);
    for (let i = 1; i < xs.length; i++)
      expect(xs[i], `word ${i} left of word ${i - 1}`).toBeLessThan(xs[i - 1] ?? 0);
  });

  it("puts the Latin word of a mixed Arabic line between the Arabic words, in karaoke and classic alike", async () => {
    const words = ["مرحبا", "hello", "عالم"];
    const xs = await highlightedX(words);
    expect(xs[0]).toBeGreaterThan(xs[1] ?? 0);
    expect(xs[1]).toBeGreaterThan(xs[2] ?? 0);
    // The classic line (no colour tags) is laid out exactly as the karaoke one.
    const [karaoke] = await burnAss(
      dir,
      build(timed(words), { style: "karaoke", word_color: "#FFFFFF", font_size: "60px" }).content,
      { width: W, height: H, times: [at(0)] },
    );
    const [classic] = await burnAss(
      dir,
      build(timed(words), { style: "classic", font_size: "60px" }).content,
      {
        width: W,
        height: H,
        times: [at(0)],
      },
    );
    if (!karaoke || !classic) throw new Error("no frame");
    expect(overlap(mask(karaoke), mask(classic))).toBeGreaterThan(0.95);
  }, 60_000);
});
