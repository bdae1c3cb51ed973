import { describe, expect, it } from "vitest";
import { assFillColorTags, parseHexColor, toAssColor } from "../../../functions/core/captions/ass-color.js";

describe("ASS colours", () => {
  it("turns #RRGGBB into &H00BBGGRR (opaque)", () => {
    expect(toAssColor("#FFD500")).toBe("&H0000D5FF");
    expect(toAssColor("#112233")).toBe("&H00332211");
  });

  it("inverts the alpha of #RRGGBBAA (request FF opaque, ASS 00 opaque)", () => {
    expect(toAssColor("#000000FF")).toBe("&H00000000");
    expect(toAssColor("#00000080")).toBe("&H7F000000");
    expect(toAssColor("#ff000000")).toBe("&HFF0000FF");
  });

  it("accepts lower-case hex", () => {
    expect(toAssColor("#abcdef")).toBe("&H00EFCDAB");
  });

  it("writes override tags for the fill colour and its alpha", () => {
    expect(assFillColorTags("#FFD500")).toBe("\\1c&H00D5FF&\\1a&H00&");
    expect(assFillColorTags("#FFFFFF40")).toBe("\\1c&HFFFFFF&\\1a&HBF&");
  });

  it("rejects what is not a colour", () => {
    expect(() => parseHexColor("red")).toThrow(/not a colour/);
    expect(() => toAssColor("#12345")).toThrow();
  });
});
