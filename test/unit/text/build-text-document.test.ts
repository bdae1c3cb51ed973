import { describe, expect, it } from "vitest";
import { measureTextWidth } from "../../../functions/core/captions/text-width.js";
import type { TextElementInput, TextStyle } from "../../../functions/core/schema/text-element-schema.js";
import {
  buildTextDocument,
  roundedRect,
  type TextItem,
} from "../../../functions/core/text/build-text-document.js";
import { layoutText } from "../../../functions/core/text/text-layout.js";
import { inheritTextStyle, resolveTextStyle } from "../../../functions/core/text/text-style.js";

const FRAME = { width: 1280, height: 720 };

const text = (t: string, extra: Partial<TextElementInput> = {}): TextElementInput =>
  ({ type: "text", text: t, ...extra }) as TextElementInput;

function build(
  items: (Partial<TextItem> & { element: TextElementInput })[],
  sceneDuration = 4,
  projectStyle?: TextStyle,
) {
  return buildTextDocument({
    ...FRAME,
    sceneDuration,
    projectStyle,
    items: items.map((it, i) => ({
      at: `scenes[0].elements[${i}]`,
      start: 0,
      end: sceneDuration,
      zIndex: undefined,
      order: i,
      ...it,
    })),
  });
}
const dialogues = (content: string) => content.split("\n").filter((l) => l.startsWith("Dialogue:"));
const styleLine = (content: string, name: string) =>
  content
    .split("\n")
    .find((l) => l.startsWith(`Style: ${name},`))
    ?.slice(7)
    .split(",");

describe("text elements as ASS", () => {
  it("writes one event per line at its laid-out anchor, in the style's font, size and colours", () => {
    const doc = build([
      {
        element: text("Spring sale", {
          font_size: 48,
          color: "#FFD500",
          outline_width: 3,
          outline_color: "#101010",
        }),
      },
    ]);
    expect(styleLine(doc.content, "Text0")).toEqual([
      "Text0",
      "Liberation Sans",
      "48",
      "&H0000D5FF",
      "&H0000D5FF",
      "&H00101010",
      "&H7F000000",
      "-1",
      ...["0", "0", "0", "100", "100", "0", "0", "1", "3", "0", "7", "0", "0", "0", "1"],
    ]);
    const width = measureTextWidth("Spring sale", {
      family: "Liberation Sans",
      fontSizePx: 48,
      outlinePx: 3,
    });
    const top = (720 - 48) / 2;
    expect(dialogues(doc.content)).toEqual([
      `Dialogue: 1,0:00:00.00,0:00:04.00,Text0,,0,0,0,,{\\an8\\pos(640,${top})}Spring sale`,
    ]);
    expect(width).toBeGreaterThan(200);
  });

  it("escapes hostile text: braces and backslashes never become override tags", () => {
    const doc = build([{ element: text("{\\fs300\\c&H0000FF&}pwned \\N {\\p1}m 0 0 l 100 100") }]);
    const [event] = dialogues(doc.content);
    const body = event?.slice(event.indexOf("}") + 1) ?? "";
    expect(body).not.toMatch(/(^|[^\\])\{/);
    expect(body).toContain("\\{\\\u2060fs300\\\u2060c&H0000FF&\\}pwned");
    expect(body).toContain("\\\u2060N");
  });

  it("places a box with padding and rounded corners one layer below the text", () => {
    const doc = build([
      {
        element: text("Hi", {
          box_color: "#E0406ACC",
          box_padding: 10,
          box_radius: 8,
          font_size: 40,
          position: "left-top",
          margin: 20,
        }),
      },
    ]);
    const width = measureTextWidth("Hi", { family: "Liberation Sans", fontSizePx: 40 });
    const boxW = Math.round((width + 20) * 100) / 100;
    const [box, line] = dialogues(doc.content);
    expect(box).toBe(
      `Dialogue: 0,0:00:00.00,0:00:04.00,Text0Box,,0,0,0,,{\\an5\\pos(${Math.round((20 + boxW / 2) * 100) / 100},50)\\bord0\\shad0\\p1}${roundedRect(boxW, 60, 8)}{\\p0}`,
    );
    expect(line).toBe("Dialogue: 1,0:00:00.00,0:00:04.00,Text0,,0,0,0,,{\\an7\\pos(30,30)}Hi");
    expect(styleLine(doc.content, "Text0Box")?.[3]).toBe("&H336A40E0");
    expect(roundedRect(100, 40, 8)).toBe(
      "m 8 0 l 92 0 b 96.42 0 100 3.58 100 8 l 100 32 b 100 36.42 96.42 40 92 40 l 8 40 b 3.58 40 0 36.42 0 32 l 0 8 b 0 3.58 3.58 0 8 0",
    );
  });

  it.each([
    ["left-top", 7, 36, 36],
    ["center-center", 8, 640, 336],
    ["right-bottom", 9, 1244, 636],
  ])("puts %s text at its corner with the margins (anchor \\an%d at %d,%d)", (position, an, x, y) => {
    const [line] = dialogues(
      build([{ element: text("A", { position, margin: 36, font_size: 48 }) }]).content,
    );
    expect(line).toContain(`{\\an${an}\\pos(${x},${y})}A`);
  });

  it("wraps at the wrap width and spaces lines by line_spacing; explicit line breaks stay", () => {
    const style = resolveTextStyle(text("x", { font_size: 40, line_spacing: 1.5 }), undefined, FRAME).style;
    const layout = layoutText({ text: "one two three four five six\nseven", width: 300 }, style, FRAME);
    expect(layout.lines.map((l) => l.text)).toEqual(["one two three", "four five six", "seven"]);
    for (const line of layout.lines) expect(line.width).toBeLessThanOrEqual(300);
    expect(layout.lines.map((l) => l.y)).toEqual([0, 60, 120].map((d) => layout.box.y + d));
    expect(layout.box.width).toBe(300);
  });

  it("shrinks the font when one word is wider than the wrap width", () => {
    const style = resolveTextStyle(text("x", { font_size: 100 }), undefined, FRAME).style;
    const layout = layoutText({ text: "Supercalifragilistic", width: 400 }, style, FRAME);
    expect(layout.fontSize).toBeLessThan(100);
    expect(layout.lines[0]?.width).toBeLessThanOrEqual(400.01);
  });

  it("measures regular weight narrower than bold", () => {
    const regular = resolveTextStyle(text("x", { font_weight: "normal" }), undefined, FRAME).style;
    const bold = resolveTextStyle(text("x", { font_weight: 700 }), undefined, FRAME).style;
    expect(regular.bold).toBe(false);
    expect(bold.bold).toBe(true);
    const w = (s: typeof regular) => layoutText({ text: "Weight matters" }, s, FRAME).lines[0]?.width ?? 0;
    expect(w(regular)).toBeLessThan(w(bold));
  });

  it("inherits the project's text_style key by key", () => {
    const project: TextStyle = {
      font_size: 30,
      color: "#00FF00",
      box_color: "#000000",
      position: "center-top",
    };
    expect(inheritTextStyle(text("x", { color: "#FF0000" }), project)).toEqual({
      font_size: 30,
      color: "#FF0000",
      box_color: "#000000",
      position: "center-top",
    });
    const doc = build([{ element: text("x", { color: "#FF0000" }) }], 4, project);
    expect(styleLine(doc.content, "Text0")?.[2]).toBe("30");
    expect(styleLine(doc.content, "Text0")?.[3]).toBe("&H000000FF");
    expect(styleLine(doc.content, "Text0Box")).toBeDefined();
  });

  it("stacks elements by z-index (two layers each), ties in document order", () => {
    const doc = build([
      { element: text("back", { z_index: 5 }), zIndex: 5 },
      { element: text("front", { z_index: 9 }), zIndex: 9 },
      { element: text("bottom") },
    ]);
    const layerOf = (word: string) =>
      Number(
        dialogues(doc.content)
          .find((d) => d.endsWith(word))
          ?.split(",")[0]
          ?.slice(10),
      );
    expect([layerOf("bottom"), layerOf("back"), layerOf("front")]).toEqual([1, 3, 5]);
  });

  it("falls back to the default font with a warning naming the element", () => {
    const doc = build([{ element: text("x", { font_family: "Comic Sans MS" }) }]);
    expect(doc.warnings).toEqual([
      'scenes[0].elements[0]: font "Comic Sans MS" is not available; using Liberation Sans instead',
    ]);
  });
});

describe("text animations", () => {
  const timesOf = (d: string) => d.split(",").slice(1, 3);

  it("fades in and out with \\fade over the entrance and exit", () => {
    const doc = build([
      {
        element: text("Hi", { animation: { in: { type: "fade", duration: 0.5 }, out: "fade" } }),
        start: 1,
        end: 3,
      },
    ]);
    const events = dialogues(doc.content);
    expect(events.map(timesOf)).toEqual([
      ["0:00:01.00", "0:00:01.50"],
      ["0:00:01.50", "0:00:02.50"],
      ["0:00:02.50", "0:00:03.00"],
    ]);
    expect(events[0]).toContain("\\fade(255,0,0,0,500,500,500)");
    expect(events[1]).not.toContain("\\fade");
    expect(events[2]).toContain("\\fade(0,255,255,0,500,500,500)");
  });

  it("slides up into place (eased, in linear pieces) and away upwards", () => {
    const doc = build([
      { element: text("Hi", { font_size: 48, animation: { in: "slide-up", out: "slide-up" } }) },
    ]);
    const events = dialogues(doc.content);
    const moves = events.map((e) => /\\move\(([^)]*)\)/.exec(e)?.[1]?.split(",").map(Number));
    const rest = (720 - 48) / 2;
    // Entrance: from 72 px (10 % of the height) below, up to where it rests, each piece linear.
    expect(moves[0]?.[1]).toBeCloseTo(rest + 72, 2);
    expect(moves[3]?.[3]).toBeCloseTo(rest, 2);
    for (let k = 0; k < 3; k++) expect(moves[k]?.[3]).toBeCloseTo(moves[k + 1]?.[1] ?? Number.NaN, 2);
    // Ease-out: the first piece covers more ground than the last.
    const travel = (m?: number[]) => Math.abs((m?.[3] ?? 0) - (m?.[1] ?? 0));
    expect(travel(moves[0])).toBeGreaterThan(travel(moves[3]));
    // Exit: ends 72 px above.
    expect(moves.at(-1)?.[3]).toBeCloseTo(rest - 72, 2);
  });

  it("pops: grows from nothing past its size about the box centre, then settles", () => {
    const doc = build([{ element: text("Hi", { animation: { in: { type: "pop", duration: 1 } } }) }]);
    const [grow, settle] = dialogues(doc.content);
    expect(timesOf(grow ?? "")).toEqual(["0:00:00.00", "0:00:00.70"]);
    expect(grow).toContain("\\fscx0\\fscy0\\t(\\fscx110\\fscy110)");
    expect(settle).toContain("\\fscx110\\fscy110\\t(\\fscx100\\fscy100)");
  });

  it("types characters one after another, laid out from the start, and untypes them last-first", () => {
    const doc = build([
      {
        element: text("abcd", {
          animation: {
            in: { type: "typewriter", duration: 0.4 },
            out: { type: "typewriter", duration: 0.4 },
          },
        }),
      },
    ]);
    const [typing, , untyping] = dialogues(doc.content);
    const hidden = "\\1a&HFF&\\3a&HFF&\\4a&HFF&";
    const visible = "\\1a&H00&\\3a&H00&\\4a&H7F&";
    expect(typing).toBe(
      `Dialogue: 1,0:00:00.00,0:00:00.40,Text0,,0,0,0,,{\\an8\\pos(640,338.4)}{${visible}}a` +
        `{${hidden}\\t(100,101,${visible})}b{${hidden}\\t(200,201,${visible})}c{${hidden}\\t(300,301,${visible})}d`,
    );
    expect(untyping).toContain(`{${visible}\\t(300,301,${hidden})}a`);
    expect(untyping).toContain(`{${hidden}}d`);
  });

  it("types a joining script a word at a time so its letters keep their joined forms", () => {
    const doc = build([
      { element: text("مرحبا بالعالم", { animation: { in: { type: "typewriter", duration: 1 } } }) },
    ]);
    const [typing] = dialogues(doc.content);
    // Two words, two reveal groups: the second word appears half-way.
    expect(typing?.match(/\\t\(/g)).toHaveLength(1);
    expect(typing).toContain("\\t(500,501,");
  });

  it("cuts a project-level element at the scene's edges, keeping its state there", () => {
    // The element started 0.25 s before this scene with a 0.5 s fade: the scene starts half-way in.
    const doc = build(
      [
        {
          element: text("Hi", { animation: { in: { type: "fade", duration: 0.5 } } }),
          start: -0.25,
          end: 10,
        },
      ],
      2,
    );
    const events = dialogues(doc.content);
    expect(timesOf(events[0] ?? "")).toEqual(["0:00:00.00", "0:00:00.25"]);
    expect(events[0]).toContain("\\fade(128,0,0,0,250,250,250)");
    expect(timesOf(events.at(-1) ?? "")).toEqual(["0:00:00.25", "0:00:02.00"]);
  });
});
