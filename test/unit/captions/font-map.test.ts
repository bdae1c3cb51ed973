import { describe, expect, it } from "vitest";
import { BUNDLED_FONT_FAMILIES, resolveFont } from "../../../functions/core/captions/font-map.js";

describe("resolveFont", () => {
  it.each([
    [undefined, "Liberation Sans"],
    ["DejaVu Serif", "DejaVu Serif"],
    ["dejavu sans mono", "DejaVu Sans Mono"],
    ["Liberation Sans", "Liberation Sans"],
    ["Arial", "Liberation Sans"],
    ["Helvetica", "Liberation Sans"],
    ["Times New Roman", "Liberation Serif"],
    ["Courier New", "Liberation Mono"],
    ["Impact", "DejaVu Sans"],
    ["Arial Bold", "Liberation Sans"],
  ])("%s → %s", (requested, family) => {
    expect(resolveFont(requested)).toEqual({ family, fallback: false });
  });

  it.each(["Luckiest Guy", "Comic Sans MS", "Montserrat ExtraBold"])("falls back for unknown %s", (name) => {
    expect(resolveFont(name)).toEqual({ family: "Liberation Sans", fallback: true });
  });

  it("offers the bundled caption families, not the stand-ins for other scripts", () => {
    expect(BUNDLED_FONT_FAMILIES).toContain("DejaVu Sans");
    expect(BUNDLED_FONT_FAMILIES).toContain("Liberation Sans Narrow");
    expect(BUNDLED_FONT_FAMILIES).not.toContain("WenQuanYi Micro Hei");
  });
});
