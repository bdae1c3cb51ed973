import { describe, expect, it } from "vitest";
import { buildRenderPlan } from "../../../functions/core/plan/build-render-plan.js";
import type { SourceInfo } from "../../../functions/core/plan/render-plan.js";
import { graphOf, IMAGE, inputsOf, project, SOURCES, VIDEO, WORK } from "./plan-fixtures.js";

/** The fixture clip (5 s, 1280×720) known to have no alpha, or with the given flag. */
const sources = (alpha: boolean | undefined) =>
  new Map<string, SourceInfo>([...SOURCES, [VIDEO, { ...SOURCES.get(VIDEO)!, alpha }]]);
const graph = (video: Record<string, unknown>, alpha: boolean | "unknown" = false, duration = 4) => {
  const body = {
    fps: 10,
    scenes: [
      {
        duration,
        elements: [
          { type: "video", src: VIDEO, ...video },
          { type: "image", src: IMAGE },
        ],
      },
    ],
  };
  const p = buildRenderPlan(project(body), sources(alpha === "unknown" ? undefined : alpha), {
    workDir: WORK,
    encoder: { preset: "veryfast", crf: 23 },
  });
  return { g: graphOf(p.segments[0]!.command), inputs: inputsOf(p.segments[0]!.command) };
};

describe("the base frame", () => {
  it("is a full-frame opaque clip shown for the whole scene, with no colour input", () => {
    const { g, inputs } = graph({});
    expect(inputs[0]?.at(-1)).toBe(SOURCES.get(VIDEO)?.path);
    expect(g).toMatch(
      /^\[0:v\]scale=1920:1080:force_original_aspect_ratio=increase,crop=1920:1080,setsar=1,setpts=PTS-STARTPTS\+0\/TB,fps=10:round=up:start_time=0\[base\]/,
    );
    // The image is overlaid onto it as layer 2, read from input 1.
    expect(g).toContain("[1:v]");
    expect(g).toContain("[base][l2]overlay=");
    expect(g).not.toContain("[0:v][l1]overlay");
  });

  it("stays a colour frame when the clip may be transparent, fades, letterboxes, or does not last the scene", () => {
    const onColour = (g: string) => g.includes("[0:v][l1]overlay=");
    expect(onColour(graph({}, "unknown").g)).toBe(true);
    expect(onColour(graph({}, true).g)).toBe(true);
    expect(onColour(graph({ "fade-in": 0.5 }).g)).toBe(true);
    expect(onColour(graph({ resize: "contain" }).g)).toBe(true);
    expect(onColour(graph({ width: 640, height: 360 }).g)).toBe(true);
    expect(onColour(graph({ start: 0.5 }).g)).toBe(true);
    expect(onColour(graph({ duration: 2 }).g)).toBe(true);
    // 5 s clip, not looped, in an 8 s scene: it would run out and leave the colour showing.
    expect(onColour(graph({ loop: false }, false, 8).g)).toBe(true);
    expect(onColour(graph({ loop: false }, false, 4).g)).toBe(false);
  });
});
