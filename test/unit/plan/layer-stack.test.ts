import { describe, expect, it } from "vitest";
import { type Layer, type StackEntry, stackLayers } from "../../../functions/core/plan/layer-stack.js";
import { graphOf, IMAGE, layerPaths, plan, SILENT_VIDEO, SOURCES, VIDEO } from "./plan-fixtures.js";

const layer = (at: string): Layer => ({
  at,
  inputArgs: ["-i", at],
  filters: [],
  decoded: { width: 1, height: 1, still: true, scale: 1 },
  drawn: { width: 1, height: 1 },
  overlay: { x: 0, y: 0, from: 0, to: 1, eofAction: "pass" },
});
const entry = (
  at: string,
  tier: StackEntry["tier"],
  zIndex: number | undefined,
  order: number,
): StackEntry => ({
  layer: layer(at),
  tier,
  zIndex,
  order,
});

describe("stackLayers", () => {
  it("sorts by z-index ascending and keeps document order on ties", () => {
    const out = stackLayers([
      entry("a", "scene", 2, 0),
      entry("b", "scene", undefined, 1),
      entry("c", "scene", -1, 2),
      entry("d", "scene", 0, 3),
      entry("e", "scene", 2, 4),
    ]);
    expect(out.map((l) => l.at)).toEqual(["c", "b", "d", "a", "e"]);
  });

  it("keeps backgrounds at the bottom whatever their z-index, and default watermarks on top", () => {
    const out = stackLayers([
      entry("wm", "watermark", undefined, 0),
      entry("bg", "background", 999, 1),
      entry("top", "scene", 1000, 0),
      entry("wm-low", "watermark", -5, 2),
      entry("s", "scene", undefined, 1),
    ]);
    expect(out.map((l) => l.at)).toEqual(["bg", "wm-low", "s", "top", "wm"]);
  });

  it("puts a watermark with the same z-index as a scene layer above it", () => {
    const out = stackLayers([entry("wm", "watermark", 3, 0), entry("s", "scene", 3, 5)]);
    expect(out.map((l) => l.at)).toEqual(["s", "wm"]);
  });
});

describe("layer order in a segment", () => {
  it("overlays inputs bottom to top following z-index, with the global background first", () => {
    const p = plan({
      elements: [
        { type: "image", src: IMAGE, x: 10, y: 10 },
        { type: "video", src: VIDEO },
      ],
      scenes: [
        {
          duration: 2,
          elements: [
            { type: "video", src: SILENT_VIDEO, width: 100, height: 100, "z-index": 2 },
            { type: "image", src: IMAGE, width: 50, "z-index": -3 },
            { type: "video", src: SILENT_VIDEO, width: 200, height: 100 },
            { type: "image", src: IMAGE, width: 60, "z-index": 2 },
          ],
        },
      ],
    });
    const cmd = p.scenes[0]!.command;
    const path = (src: string) => SOURCES.get(src)!.path;
    expect(layerPaths(cmd)).toEqual([
      path(VIDEO), // global background
      path(IMAGE), // z -3
      path(SILENT_VIDEO), // z 0 (default)
      path(SILENT_VIDEO), // z 2, first in document
      path(IMAGE), // z 2, second in document
      path(IMAGE), // global watermark, default on top
    ]);
    const g = graphOf(cmd);
    // Each overlay stacks the next input on the result so far, in input order.
    const overlays = g.split(";").filter((s) => s.includes("overlay="));
    expect(overlays.map((s) => /\]\[l(\d+)\]overlay/.exec(s)?.[1])).toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(overlays[0]).toMatch(/^\[0:v\]\[l1\]/);
    expect(overlays[5]).toMatch(/^\[s5\]\[l6\]overlay=x=10:y=10:/);
    expect(g.endsWith("[s6]format=yuv420p[vout]")).toBe(true);
  });
});
