import { describe, expect, it } from "vitest";
import { resolveFont } from "../../../functions/core/captions/font-map.js";

describe("resolveFont", () => {
  it.each([
    [undefined, "DejaVu Sans", false],
    ["DejaVu Serif", "DejaVu Serif", false],
    ["dejavu sans mono", "DejaVu Sans Mono", false],
    ["Liberation Sans", "Liberation Sans", false],
    ["Arial", "Liberation Sans", false],
    ["Helvetica", "Liberation Sans", false],
    ["Times New Roman", "Liberation Serif", false],
    ["Courier New", "Liberation Mono", false],
    ["Impact", "DejaVu Sans", true],
    ["Arial Bold", "Liberation Sans", true],
  ])("%s → %s (bold %s)", (requested, family, bold) => {
    const font = resolveFont(requested);
    expect(font).toMatchObject({ family, bold, fallback: false });
  });

  it.each(["Luckiest Guy", "Comic Sans MS", "Montserrat ExtraBold"])("falls back for unknown %s", (name) => {
    expect(resolveFont(name)).toMatchObject({ family: "DejaVu Sans", bold: false, fallback: true });
  });

  it("knows which bundled families are monospace", () => {
    expect(resolveFont("Courier New").monospace).toBe(true);
    expect(resolveFont("Arial").monospace).toBe(false);
  });
});
