import { describe, expect, it } from "vitest";
import { resizeFilters } from "../../../functions/core/plan/resize-filter.js";
import { chainOf, graphOf, IMAGE, plan } from "./plan-fixtures.js";

describe("resizeFilters", () => {
  it("cover scales up to fill and crops the overflow", () => {
    expect(resizeFilters("cover", 300, 200)).toEqual([
      "scale=300:200:force_original_aspect_ratio=increase",
      "crop=300:200",
      "setsar=1",
    ]);
  });

  it("contain scales down to fit and pads transparently, centred, in RGBA", () => {
    const f = resizeFilters("contain", 300, 200);
    expect(f).toEqual([
      "format=rgba",
      "scale=300:200:force_original_aspect_ratio=decrease",
      "pad=300:200:(ow-iw)/2:(oh-ih)/2:color=black@0",
      "setsar=1",
    ]);
    expect(f.indexOf("format=rgba")).toBeLessThan(f.findIndex((x) => x.startsWith("pad=")));
  });

  it("fit is contain", () => {
    expect(resizeFilters("fit", 300, 200)).toEqual(resizeFilters("contain", 300, 200));
  });

  it("stretch scales to the box ignoring aspect", () => {
    expect(resizeFilters("stretch", 300, 200)).toEqual(["scale=300:200", "setsar=1"]);
  });

  it("center never scales: crops what is larger, pads what is smaller", () => {
    const f = resizeFilters("center", 300, 200);
    expect(f.some((x) => x.startsWith("scale"))).toBe(false);
    expect(f).toEqual([
      "format=rgba",
      "crop='min(iw,300)':'min(ih,200)'",
      "pad=300:200:(ow-iw)/2:(oh-ih)/2:color=black@0",
      "setsar=1",
    ]);
  });

  it("reaches the segment graph from the request's resize key", () => {
    const p = plan({
      scenes: [
        {
          duration: 1,
          elements: [
            { type: "image", src: IMAGE, width: 100, height: 100, resize: "fit" },
            { type: "image", src: IMAGE, width: 100, height: 100, resize: "center" },
          ],
        },
      ],
    });
    const g = graphOf(p.scenes[0]!.command);
    expect(chainOf(g, 1)).toContain("scale=100:100:force_original_aspect_ratio=decrease,pad=100:100");
    expect(chainOf(g, 2)).toContain("crop='min(iw,100)':'min(ih,100)'");
  });
});
