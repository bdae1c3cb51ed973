import { describe, expect, it } from "vitest";
import { buildRenderPlan } from "../../../functions/core/plan/build-render-plan.js";
import { chunkRanges } from "../../../functions/core/plan/chunk-ranges.js";
import { gapToNextFrame } from "../../../functions/core/plan/clip-input.js";
import type { SourceInfo } from "../../../functions/core/plan/render-plan.js";
import {
  argAfter,
  chainOf,
  graphOf,
  IMAGE,
  inputsOf,
  project,
  readsSource,
  SOURCES,
  VIDEO,
  WORK,
} from "./plan-fixtures.js";

const chunked = (body: unknown, chunkFrames: number) =>
  buildRenderPlan(project(body), SOURCES, {
    workDir: WORK,
    encoder: { preset: "veryfast", crf: 23 },
    chunkFrames,
  });

describe("chunkRanges", () => {
  it("splits into the fewest chunks of at most the length, as equal as whole frames allow", () => {
    expect(chunkRanges(100, 30)).toEqual([
      { startFrame: 0, frames: 25 },
      { startFrame: 25, frames: 25 },
      { startFrame: 50, frames: 25 },
      { startFrame: 75, frames: 25 },
    ]);
    expect(chunkRanges(10, 4).map((r) => r.frames)).toEqual([4, 3, 3]);
    expect(chunkRanges(10, 10)).toEqual([{ startFrame: 0, frames: 10 }]);
    expect(chunkRanges(10, undefined)).toEqual([{ startFrame: 0, frames: 10 }]);
    expect(() => chunkRanges(10, 2.5)).toThrow(/chunk length/);
  });
});

describe("a scene longer than the chunk length", () => {
  const body = {
    fps: 10,
    scenes: [
      { duration: 1, elements: [{ type: "image", src: IMAGE }] },
      {
        duration: 3,
        elements: [
          { type: "video", src: VIDEO, start: 0.5, "fade-in": 1 },
          { type: "image", src: IMAGE, x: 8, y: 8, start: 0.2, duration: 0.6 },
        ],
      },
    ],
  };
  const p = chunked(body, 10);

  it("becomes chunks; a scene that fits stays one segment, and the assembly joins them all in order", () => {
    expect(p.segments.map((s) => [s.index, s.scene, s.startFrame, s.frames])).toEqual([
      [0, 0, 0, 10],
      [1, 1, 0, 10],
      [2, 1, 10, 10],
      [3, 1, 20, 10],
    ]);
    expect(p.segments[0]?.command).toBe(p.scenes[0]?.command);
    expect(p.assemble.files[0]?.content).toBe(
      `${[`${WORK}/segment-0.mp4`, ...[0, 1, 2].map((k) => `${WORK}/segment-1-${k}.mp4`)]
        .map((f) => `file '${f}'`)
        .join("\n")}\n`,
    );
    expect(p.segments.map((s) => argAfter(s.command, "-frames:v"))).toEqual(["10", "10", "10", "10"]);
  });

  it("runs a later chunk on scene time: the base moved to its start, brought back to zero at the end", () => {
    const g = graphOf(p.segments[2]!.command);
    expect(g.startsWith("[0:v]setpts=PTS+round(1/TB)[base];")).toBe(true);
    expect(g).toMatch(/setpts=PTS-STARTPTS,format=yuv420p\[vout\]$/);
    expect(inputsOf(p.segments[2]!.command)[0]).toEqual([
      "-f",
      "lavfi",
      "-i",
      "color=c=0x000000:s=1920x1080:r=10:d=1",
    ]);
    // The first chunk is the scene's own command from its start: nothing moved.
    expect(graphOf(p.segments[1]!.command)).not.toContain("[base]");
  });

  it("reads a clip from the chunk's start with a lead, its fades and window still in scene time", () => {
    const cmd = p.segments[2]!.command;
    // The clip started at 0.5 s; at 1 s it is 0.5 s in; the input starts 0.5 s earlier (its own start).
    expect(inputsOf(cmd)[1]).toEqual(["-stream_loop", "-1", "-t", "1.5", ...readsSource(VIDEO)]);
    const chain = chainOf(graphOf(cmd), 1);
    expect(chain).toContain("setpts=PTS+0.5/TB");
    expect(chain).toContain("fade=t=in:st=0.5:d=1:alpha=1");
    expect(graphOf(cmd)).toContain("enable='between(t,0.5,3)'");
    const last = inputsOf(p.segments[3]!.command)[1];
    // 1.5 s in: a full second of lead, seek to 0.5 s.
    expect(last).toEqual(["-stream_loop", "-1", "-ss", "0.5", "-t", "2", ...readsSource(VIDEO)]);
    expect(chainOf(graphOf(p.segments[3]!.command), 1)).toContain("setpts=PTS+1/TB");
  });

  it("leaves out a layer whose window misses the chunk, and places a still where the chunk first shows it", () => {
    // The small image is on from 0.2 to 0.8 s: only in the first chunk.
    expect(inputsOf(p.segments[1]!.command).map((i) => i.at(-1))).toContain(SOURCES.get(IMAGE)?.path);
    expect(inputsOf(p.segments[2]!.command).map((i) => i.at(-1))).not.toContain(SOURCES.get(IMAGE)?.path);
    const across = chunked(
      { fps: 10, scenes: [{ duration: 2, elements: [{ type: "image", src: IMAGE, start: 0.5 }] }] },
      10,
    );
    expect(chainOf(graphOf(across.segments[1]!.command), 1)).toContain("setpts=PTS-STARTPTS+1/TB");
    expect(graphOf(across.segments[1]!.command)).toContain("enable='between(t,0.5,2)'");
  });

  it("keys every chunk apart: each has its own command", () => {
    const args = p.segments.map((s) => s.command.args.join(" "));
    expect(new Set(args).size).toBe(args.length);
  });
});

describe("gapToNextFrame", () => {
  const clip = (frameGrid?: SourceInfo["frameGrid"]): SourceInfo => ({ ...SOURCES.get(VIDEO)!, frameGrid });
  it("is the wait from a seek to the first frame at or after it on a constant-rate grid", () => {
    expect(gapToNextFrame(clip({ fps: 25, offset: 0 }), 0.5)).toBeCloseTo(0.02, 9);
    expect(gapToNextFrame(clip({ fps: 25, offset: 0 }), 0.48)).toBeCloseTo(0, 9);
    expect(gapToNextFrame(clip({ fps: 30, offset: 0.1 }), 0)).toBeCloseTo(0.1, 9);
    expect(gapToNextFrame(clip(undefined), 0.5)).toBe(0);
  });
});
