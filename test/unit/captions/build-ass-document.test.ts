import { describe, expect, it } from "vitest";
import { buildAssDocument } from "../../../functions/core/captions/build-ass-document.js";
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
  it("uses documented defaults: DejaVu Sans, 5 % of the height, white line, yellow word, black outline, center-bottom", () => {
    const { content, warnings } = build();
    expect(styleOf(content)).toMatchObject({
      font: "DejaVu Sans",
      size: 36,
      primary: "&H00FFFFFF",
      outlineColour: "&H00000000",
      outline: 2,
      shadow: 0,
      borderStyle: 1,
      alignment: 2,
      marginV: 36,
      marginL: 64,
      marginR: 64,
    });
    expect(dialogues(content)[0]).toContain("{\\1c&H00D5FF&\\1a&H00&}the{\\1c&HFFFFFF&\\1a&H00&}");
    expect(warnings).toEqual([]);
  });

  it("honours font_size, colours, outline and shadow", () => {
    const { content } = build({
      font_size: 80,
      word_color: "#00FF00",
      line_color: "#FF000080",
      outline_color: "#0000FF",
      outline_width: 6,
      shadow_color: "#123456",
      shadow_offset: 4,
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

  it("turns the shadow on when only shadow_color is given", () => {
    expect(styleOf(build({ shadow_color: "#000000" }).content).shadow).toBeGreaterThan(0);
  });

  it("maps font families and warns about unknown ones", () => {
    expect(styleOf(build({ font_family: "Arial" }).content).font).toBe("Liberation Sans");
    const impact = styleOf(build({ font_family: "Impact" }).content);
    expect(impact).toMatchObject({ font: "DejaVu Sans", bold: "-1" });
    const fallback = build({ font_family: "Luckiest Guy" });
    expect(styleOf(fallback.content).font).toBe("DejaVu Sans");
    expect(fallback.warnings).toEqual([expect.stringMatching(/Luckiest Guy.*not available.*DejaVu Sans/)]);
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
  ])("position %s → \\an%i, margins 5 percent of the frame", (position, alignment) => {
    const s = styleOf(build({ position }).content);
    expect(s).toMatchObject({ alignment, marginL: 64, marginR: 64, marginV: 36 });
  });

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
    expect(lines.map((l) => l.words.length)).toEqual([2, 2, 1]);
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

  it("progressive: one Dialogue per word slice, back to back, the active word coloured", () => {
    const words = timed("one two three");
    const ev = events(build({}, words).content);
    expect(ev).toHaveLength(3);
    expect(ev.map((e) => [e.start, e.end])).toEqual([
      ["0:00:00.00", "0:00:00.50"],
      ["0:00:00.50", "0:00:01.00"],
      ["0:00:01.00", "0:00:01.90"],
    ]);
    ev.forEach((e, i) => {
      const highlighted = /\{\\1c&H00D5FF&\\1a&H00&\}(\w+)\{/.exec(e.text)?.[1];
      expect(highlighted).toBe(["one", "two", "three"][i]);
    });
  });

  it("clips to the scene: nothing starts at or after its end, nothing ends after it", () => {
    const words = timed("a b c d e f g h i j", 0.5);
    const doc = build({ style: "progressive", max_words_per_line: 3 }, words, 2.2);
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

  it("shrinks a single word that is wider than the frame", () => {
    const ev = events(
      build({ style: "classic", font_size: 200 }, timed("Pneumonoultramicroscopicsilicovolcanoconiosis"))
        .content,
    );
    expect(ev[0]?.text).toMatch(/^\{\\fscx(\d+)\\fscy\1\}Pneumono/);
  });

  it("writes no events for no words", () => {
    expect(build({}, []).events).toBe(0);
  });
});
