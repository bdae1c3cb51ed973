import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseHexColor } from "../../functions/core/captions/ass-color.js";
import { buildAssDocument } from "../../functions/core/captions/build-ass-document.js";
import type { SubtitleSettings } from "../../functions/core/schema/request-schema.js";
import { type Box, burnAss, pixelBox } from "../support/burn-captions.js";

/**
 * A VideoCraft request's captions must look as VideoCraft draws them. VideoCraft's ASS file is
 * reproduced here as its subtitle code writes it (internal/core/media/subtitle/ass.go: the header
 * from its merged settings — no PlayResX/PlayResY, Bold 1, its margins — and one Dialogue per word
 * from its start to the next word's start) and burned with ffmpeg's `ass` filter as VideoCraft does;
 * ours is built from the same words and settings and burned as the planner does. The captions'
 * bounding boxes must agree within 10 %.
 */

interface VideoCraftSettings {
  "font-family"?: string;
  "font-size"?: number;
  "word-color"?: string;
  "outline-color"?: string;
  "outline-width"?: number;
  "shadow-offset"?: number;
  position?: string;
}

const ALIGNMENT: Record<string, number> = {
  "left-bottom": 1,
  "center-bottom": 2,
  "right-bottom": 3,
  "left-center": 4,
  "center-center": 5,
  "right-center": 6,
  "left-top": 7,
  "center-top": 8,
  "right-top": 9,
};

/** `#RRGGBB` → `&H00BBGGRR`, as VideoCraft's parseColorToASS. */
const vcColor = (hex: string) => `&H00${hex.slice(5, 7)}${hex.slice(3, 5)}${hex.slice(1, 3)}`.toUpperCase();

/** VideoCraft's H:MM:SS.CC (centiseconds truncated). */
function vcTime(seconds: number): string {
  const s = Math.floor(seconds);
  const cs = Math.floor((seconds - s) * 100);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}.${pad(cs)}`;
}

function videocraftAss(settings: VideoCraftSettings, words: { word: string; start: number; end: number }[]) {
  // Its global defaults (config.yaml / mergeSettingsWithGlobalConfig); a zero or empty setting keeps the default.
  const font = settings["font-family"] || "Arial";
  const size = settings["font-size"] || 24;
  const word = settings["word-color"] || "#FFFFFF";
  const outline = settings["outline-color"] || "#000000";
  const outlineWidth = settings["outline-width"] || 2;
  const shadow = settings["shadow-offset"] || 1;
  const alignment = ALIGNMENT[settings.position ?? ""] ?? 2;
  const header = [
    "[Script Info]",
    "Title: Generated Progressive Subtitles",
    "ScriptType: v4.00+",
    "WrapStyle: 0",
    "ScaledBorderAndShadow: yes",
    "YCbCr Matrix: TV.709",
    "",
    "[V4+ Styles]",
    "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
    `Style: Default,${font},${size},${vcColor(word)},${vcColor(word)},${vcColor(outline)},${vcColor("#000000")},1,0,0,0,100,100,0,0,1,${outlineWidth},${shadow},${alignment},10,10,20,1`,
    "",
    "[Events]",
    "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
  ];
  const events = words.map(
    (w, i) =>
      `Dialogue: 0,${vcTime(w.start)},${vcTime(words[i + 1]?.start ?? w.end)},Default,,0,0,0,,${w.word}`,
  );
  return `${[...header, ...events].join("\n")}\n`;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-look-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const WORDS = [
  { word: "Lighthouse", start: 0.2, end: 0.9 },
  { word: "keepers", start: 1.0, end: 1.6 },
];

async function both(width: number, height: number, settings: VideoCraftSettings, t: number) {
  const vc = await burnAss(dir, videocraftAss(settings, WORDS), { width, height, times: [t], filter: "ass" });
  const doc = buildAssDocument({
    width,
    height,
    words: WORDS,
    // The request's hyphenated keys, as the schema normalises them.
    settings: Object.fromEntries(
      Object.entries(settings).map(([k, v]) => [k.replaceAll("-", "_"), v]),
    ) as SubtitleSettings,
    sceneDuration: 5,
  });
  const ours = await burnAss(dir, doc.content, { width, height, times: [t] });
  const [a, b] = [vc[0], ours[0]];
  if (!a || !b) throw new Error("no frame");
  const fill = parseHexColor(settings["word-color"] ?? "#FFFFFF");
  return {
    vc: pixelBox(a),
    ours: pixelBox(b),
    vcText: pixelBox(a, [fill.r, fill.g, fill.b], 60),
    oursText: pixelBox(b, [fill.r, fill.g, fill.b], 60),
  };
}

const size = (b: Box) => ({ w: b.maxX - b.minX + 1, h: b.maxY - b.minY + 1 });

describe("captions of a VideoCraft request look as VideoCraft draws them", () => {
  it.each([
    ["1280x720, all defaults", 1280, 720, {}, 0.5],
    ["1080x1920, font-size 32 centred", 1080, 1920, { "font-size": 32, position: "center-center" }, 1.2],
    [
      "1920x1080, center-top, outline 4, yellow",
      1920,
      1080,
      { "font-size": 36, position: "center-top", "outline-width": 4, "word-color": "#FFFF00" },
      1.2,
    ],
    ["1280x720, left-bottom", 1280, 720, { position: "left-bottom" }, 1.2],
    [
      "1080x1920, right-top, Times New Roman",
      1080,
      1920,
      { position: "right-top", "font-family": "Times New Roman" },
      0.5,
    ],
  ] as const)("%s: same height, width and place within 10 %%", async (_name, width, height, settings, t) => {
    const { vc, ours, vcText } = await both(width, height, settings, t);
    expect(vcText.count, "VideoCraft's word is drawn").toBeGreaterThan(200);
    const v = size(vc);
    const o = size(ours);
    expect(o.h / v.h).toBeGreaterThan(0.9);
    expect(o.h / v.h).toBeLessThan(1.1);
    expect(o.w / v.w).toBeGreaterThan(0.9);
    expect(o.w / v.w).toBeLessThan(1.1);
    // Placement: edges and centre within 10 % of the caption's own size.
    expect(Math.abs(ours.minY - vc.minY)).toBeLessThanOrEqual(0.1 * v.h);
    expect(Math.abs(ours.maxY - vc.maxY)).toBeLessThanOrEqual(0.1 * v.h);
    expect(Math.abs(ours.centerX - vc.centerX)).toBeLessThanOrEqual(0.1 * v.w);
  });

  it("shrinks a word wider than the frame to fit, where VideoCraft cuts it off at the edges", async () => {
    const { vc, ours } = await both(1080, 1920, { "font-size": 48 }, 0.5);
    expect(vc.minX).toBe(0);
    expect(vc.maxX).toBe(1079);
    expect(ours.minX).toBeGreaterThan(0.04 * 1080);
    expect(ours.maxX).toBeLessThan(0.96 * 1080);
    // Shrunk only as far as needed: it still spans most of the 90 % a line may take.
    expect(size(ours).w).toBeGreaterThan(0.85 * 1080);
  });

  it("shows one word at a time, each from its start to the next word's start, as VideoCraft", async () => {
    const width = 1280;
    const height = 720;
    const doc = buildAssDocument({ width, height, words: WORDS, sceneDuration: 5 });
    const [first, gap, second] = await burnAss(dir, doc.content, { width, height, times: [0.5, 0.95, 1.3] });
    const vc = await burnAss(dir, videocraftAss({}, WORDS), {
      width,
      height,
      times: [0.5, 0.95, 1.3],
      filter: "ass",
    });
    if (!first || !gap || !second) throw new Error("no frame");
    // Between "Lighthouse" (ends 0.9 s) and "keepers" (starts 1.0 s) the first word stays up.
    expect(size(pixelBox(gap))).toEqual(size(pixelBox(first)));
    expect(size(pixelBox(second)).w).toBeLessThan(size(pixelBox(first)).w);
    vc.forEach((frame, i) => {
      const ours = [first, gap, second][i];
      if (!ours) throw new Error("no frame");
      expect(Math.abs(size(pixelBox(ours)).w - size(pixelBox(frame)).w)).toBeLessThan(
        0.1 * size(pixelBox(frame)).w,
      );
    });
  });
});
