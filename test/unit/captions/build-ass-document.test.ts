import { describe, expect, it } from "vitest";
import { buildAssDocument } from "../../../functions/core/captions/build-ass-document.js";
import { measureTextWidth } from "../../../functions/core/captions/text-width.js";
import type { Word } from "../../../functions/core/captions/word.js";
import type { SubtitleSettings } from "../../../functions/core/schema/request-schema.js";

function timed(text: string, step = 0.5, from = 0): Word[] {
  return text.split(" ").map((word, i) => ({ word, start: from + i * step, end: from + i * step + 0.4 }));
}

function build(
  settings: SubtitleSettings = {},
  words = timed("the keeper climbs the stairs"),
  sceneDuration = 10,
) {
  return buildAssDocument({ width: 1280, height: 720, words, settings, sceneDuration });
}

const dialogues = (content: string) => content.split("\n").filter((l) => l.startsWith("Dialogue:"));
const styleOf = (content: string, name = "Caption") => {
  const line = content.split("\n").find((l) => l.startsWith(`Style: ${name},`));
  if (!line) throw new Error(`no style ${name}`);
  const f = line.slice("Style: ".length).split(",");
  return {
    font: f[1],
    size: Number(f[2]),
    primary: f[3],
    outlineColour: f[5],
    back: f[6],
    bold: f[7],
    borderStyle: Number(f[15]),
    outline: Number(f[16]),
    shadow: Number(f[17]),
    alignment: Number(f[18]),
    marginL: Number(f[19]),
    marginR: Number(f[20]),
    marginV: Number(f[21]),
  };
};
/** [start, end, style, text] of each Dialogue. */
const events = (content: string) =>
  dialogues(content).map((d) => {
    const f = d.slice("Dialogue: ".length).split(",");
    return { layer: Number(f[0]), start: f[1], end: f[2], style: f[3], text: f.slice(9).join(",") };
  });

describe("buildAssDocument: script header", () => {
  it("plays at the output size with no automatic wrapping and scaled borders", () => {
    const { content } = build();
    expect(content).toContain("PlayResX: 1280\nPlayResY: 720");
    expect(content).toContain("WrapStyle: 2");
    expect(content).toContain("ScaledBorderAndShadow: yes");
  });
});

describe("buildAssDocument: settings", () => {
  it("draws VideoCraft's defaults: bold Liberation Sans (Arial) 24, outline 2, shadow 1, in its 288-line unit", () => {
    const { content, warnings } = build();
    // 720 / 288 = 2.5 output pixels per unit.
    expect(styleOf(content)).toMatchObject({
      font: "Liberation Sans",
      size: 60,
      bold: "-1",
      primary: "&H00FFFFFF",
      outlineColour: "&H00000000",
      back: "&H00000000",
      outline: 5,
      shadow: 2.5,
      borderStyle: 1,
      alignment: 2,
      marginV: 50,
      marginL: 33,
      marginR: 33,
    });
    expect(warnings).toEqual([]);
  });

  it("takes a font size as VideoCraft units or as exact pixels", () => {
    expect(styleOf(build({ font_size: 36 }).content).size).toBe(90);
    expect(styleOf(build({ font_size: "48px" }).content).size).toBe(48);
    expect(
      styleOf(buildAssDocument({ width: 1080, height: 1920, words: [], sceneDuration: 1 }).content).size,
    ).toBe(160);
  });

  it("honours font_size, colours, outline and shadow", () => {
    const { content } = build({
      style: "karaoke",
      font_size: "80px",
      word_color: "#00FF00",
      line_color: "#FF000080",
      outline_color: "#0000FF",
      outline_width: "6px",
      shadow_color: "#123456",
      shadow_offset: "4px",
    });
    expect(styleOf(content)).toMatchObject({
      size: 80,
      primary: "&H7F0000FF",
      outlineColour: "&H00FF0000",
      outline: 6,
      back: "&H00563412",
      shadow: 4,
    });
    expect(dialogues(content)[0]).toContain("{\\1c&H00FF00&\\1a&H00&}the{\\1c&H0000FF&\\1a&H7F&}");
  });

  it("turns outline and shadow off at 0 (VideoCraft ignores a 0)", () => {
    expect(styleOf(build({ outline_width: 0, shadow_offset: 0 }).content)).toMatchObject({
      outline: 0,
      shadow: 0,
    });
  });

  it("maps font families and warns about unknown ones", () => {
    expect(styleOf(build({ font_family: "Arial" }).content).font).toBe("Liberation Sans");
    const impact = styleOf(build({ font_family: "Impact" }).content);
    expect(impact).toMatchObject({ font: "DejaVu Sans", bold: "-1" });
    const fallback = build({ font_family: "Luckiest Guy" });
    expect(styleOf(fallback.content).font).toBe("Liberation Sans");
    expect(fallback.warnings).toEqual([
      expect.stringMatching(/Luckiest Guy.*not available.*Liberation Sans/),
    ]);
  });

  it.each([
    ["left-top", 7],
    ["center-top", 8],
    ["right-top", 9],
    ["left-center", 4],
    ["center-center", 5],
    ["right-center", 6],
    ["left-bottom", 1],
    ["center-bottom", 2],
    ["right-bottom", 3],
  ])(
    "position %s → \\an%i with VideoCraft's margins (10 and 20 of its 384×288 canvas)",
    (position, alignment) => {
      const s = styleOf(build({ position }).content);
      expect(s).toMatchObject({ alignment, marginL: 33, marginR: 33, marginV: 50 });
    },
  );

  it("draws box_color as an opaque box on its own layer under the text", () => {
    const { content } = build({ box_color: "#202020", style: "classic" });
    const box = styleOf(content, "CaptionBox");
    expect(box).toMatchObject({ borderStyle: 3, outlineColour: "&H00202020", primary: "&HFF000000" });
    expect(box.outline).toBeGreaterThan(0);
    const ev = events(content);
    expect(ev.filter((e) => e.style === "CaptionBox")).toHaveLength(1);
    expect(ev.find((e) => e.style === "CaptionBox")?.layer).toBe(0);
    expect(ev.find((e) => e.style === "Caption")?.layer).toBe(1);
  });

  it("upper-cases with all_caps", () => {
    const { content } = build({ all_caps: true, style: "classic" });
    expect(events(content)[0]?.text).toBe("THE KEEPER CLIMBS THE STAIRS");
  });

  it("respects max_words_per_line", () => {
    const { lines } = build({ max_words_per_line: 2, style: "classic" });
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line.words.length).toBeLessThanOrEqual(2);
  });

  it("classic draws the line in line_color, which defaults to word_color as in VideoCraft", () => {
    expect(styleOf(build({ style: "classic", word_color: "#FFFF00" }).content).primary).toBe("&H0000FFFF");
    expect(
      styleOf(build({ style: "classic", word_color: "#FFFF00", line_color: "#00FF00" }).content).primary,
    ).toBe("&H0000FF00");
  });
});

describe("buildAssDocument: timing", () => {
  it("classic: one Dialogue per line, from its first word to its end (held 0.5 s, not past the next line)", () => {
    const words = [...timed("one two three."), ...timed("four five", 0.5, 1.6)];
    const ev = events(build({ style: "classic" }, words).content);
    expect(ev.map((e) => [e.start, e.end, e.text])).toEqual([
      ["0:00:00.00", "0:00:01.60", "one two three."],
      ["0:00:01.60", "0:00:03.00", "four five"],
    ]);
  });

  it("progressive (VideoCraft's): one word at a time, from its start to the next word's start", () => {
    const words = [...timed("one two"), { word: "three", start: 3, end: 3.4 }];
    const ev = events(build({}, words).content);
    expect(ev.map((e) => [e.start, e.end, e.text])).toEqual([
      ["0:00:00.00", "0:00:00.50", "one"],
      ["0:00:00.50", "0:00:03.00", "two"],
      ["0:00:03.00", "0:00:03.40", "three"],
    ]);
  });

  it("karaoke: one Dialogue per word slice, back to back, the active word coloured", () => {
    const words = timed("one two three");
    const ev = events(build({ style: "karaoke" }, words).content);
    expect(ev).toHaveLength(3);
    expect(ev.map((e) => [e.start, e.end])).toEqual([
      ["0:00:00.00", "0:00:00.50"],
      ["0:00:00.50", "0:00:01.00"],
      ["0:00:01.00", "0:00:01.90"],
    ]);
    ev.forEach((e, i) => {
      const highlighted = /\{\\1c&H00D5FF&\\1a&H00&\}(\w+)(?:\{|$)/.exec(e.text)?.[1];
      expect(highlighted).toBe(["one", "two", "three"][i]);
    });
  });

  it("clips to the scene: nothing starts at or after its end, nothing ends after it", () => {
    const words = timed("a b c d e f g h i j", 0.5);
    const doc = build({ style: "karaoke", max_words_per_line: 3 }, words, 2.2);
    const ev = events(doc.content);
    expect(ev.length).toBeGreaterThan(0);
    for (const e of ev) {
      expect(String(e.start) < "0:00:02.20").toBe(true);
      expect(String(e.end) <= "0:00:02.20").toBe(true);
    }
    expect(ev.at(-1)?.end).toBe("0:00:02.20");
    expect(doc.warnings).toEqual([expect.stringMatching(/5 captioned word\(s\) start after the scene ends/)]);
  });

  it("escapes user text but keeps its own tags", () => {
    const ev = events(build({ style: "classic" }, timed("{\\fs200\\c&H0000FF&}hi")).content);
    expect(ev[0]?.text).toBe("\\{\\\u2060fs200\\\u2060c&H0000FF&\\}hi");
  });

  it("shrinks a single word wider than the frame only as far as 90 % of the width needs", () => {
    const word = "Pneumonoultramicroscopicsilicovolcanoconiosis";
    const ev = events(build({ style: "classic", font_size: 80 }, timed(word)).content);
    const pct = Number(/^\{\\fscx(\d+)\\fscy\1\}Pneumono/.exec(ev[0]?.text ?? "")?.[1]);
    const full = measureTextWidth(word, { family: "Liberation Sans", fontSizePx: 200, outlinePx: 5 });
    expect((full * pct) / 100).toBeLessThanOrEqual(0.9 * 1280);
    expect((full * (pct + 2)) / 100).toBeGreaterThan(0.9 * 1280);
  });

  it("writes no events for no words", () => {
    expect(build({}, []).events).toBe(0);
  });
});
