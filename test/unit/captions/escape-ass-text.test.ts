import { describe, expect, it } from "vitest";
import { escapeAssText } from "../../../functions/core/captions/escape-ass-text.js";

const WJ = "\u2060";

describe("escapeAssText", () => {
  it("leaves ordinary text alone", () => {
    expect(escapeAssText("Hello, world! Ça va? 你好")).toBe("Hello, world! Ça va? 你好");
  });

  it("turns braces into libass's literal \\{ \\} so no override block can open", () => {
    const out = escapeAssText("{\\fs200\\c&H0000FF&}hi");
    expect(out).toBe(`\\{\\${WJ}fs200\\${WJ}c&H0000FF&\\}hi`);
    // No unescaped brace is left: every { and } is preceded by a backslash we wrote.
    expect(out.replace(/\\[{}]/g, "")).not.toMatch(/[{}]/);
  });

  it("breaks the user's \\N, \\n and \\h escapes with a zero-width word joiner", () => {
    expect(escapeAssText("a\\Nb")).toBe(`a\\${WJ}Nb`);
    expect(escapeAssText("a\\hb\\n")).toBe(`a\\${WJ}hb\\${WJ}n`);
    expect(escapeAssText("\\{")).toBe(`\\${WJ}\\{`);
  });

  it("replaces line breaks and control characters with spaces", () => {
    expect(escapeAssText("one\ntwo\r\nthree\tfour\u2028five")).toBe("one two  three four five");
  });
});
