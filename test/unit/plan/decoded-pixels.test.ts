import { describe, expect, it } from "vitest";
import { buildRenderPlan } from "../../../functions/core/plan/build-render-plan.js";
import type { SourceInfo } from "../../../functions/core/plan/render-plan.js";
import { checkRenderMemory, sceneOverMemory } from "../../../functions/core/plan/segment-memory.js";
import { chainOf, graphOf, inputsOf, project, WORK } from "./plan-fixtures.js";

/**
 * What one segment command makes ffmpeg hold in memory: each distinct source is decoded once and
 * split to the layers that show it, stills are cut to what the frame shows before anything else
 * touches them, and a scene whose estimate still passes the configured memory is refused.
 */
const BIG = "https://example.com/big.png";
const CLIP = "https://example.com/uhd.mp4";
const OTHER = "https://example.com/other.png";
const SMALL = "https://example.com/small.png";
const picture = (
  path: string,
  format: string,
  width: number,
  height: number,
  still: boolean,
): SourceInfo => ({
  path,
  format,
  durationSeconds: still ? undefined : 1,
  hasVideo: true,
  hasAudio: false,
  width,
  height,
  isStill: still,
});
const sources = new Map<string, SourceInfo>([
  [BIG, picture(`${WORK}/src-0.png`, "png_pipe", 4000, 4000, true)],
  [OTHER, picture(`${WORK}/src-2.png`, "png_pipe", 4000, 4000, true)],
  [SMALL, picture(`${WORK}/src-3.png`, "png_pipe", 400, 200, true)],
  [CLIP, picture(`${WORK}/src-1.mp4`, "mov", 3840, 2160, false)],
]);
const planOf = (body: unknown) =>
  buildRenderPlan(project(body), sources, { workDir: WORK, encoder: { preset: "ultrafast", crf: 28 } });
const scene = (elements: unknown[], extra: Record<string, unknown> = {}) => ({
  resolution: "1920x1080",
  ...extra,
  scenes: [{ duration: 1, elements }],
});

describe("decoding each source once per command", () => {
  it("reads one image used by 40 elements once and splits it 40 ways", () => {
    const p = planOf(
      scene(Array.from({ length: 40 }, (_, i) => ({ type: "image", src: BIG, x: i, y: i, width: 100 }))),
    );
    const cmd = p.scenes[0]!.command;
    expect(inputsOf(cmd)).toHaveLength(2); // the colour, the image
    const graph = graphOf(cmd);
    expect(graph).toMatch(/^\[1:v\](scale=\d+:\d+,)?split=40\[/);
    expect(graph.match(/overlay=/g)).toHaveLength(40);
  });

  it("scales a shared picture once, to the largest size its layers show, before splitting it", () => {
    const p = planOf(
      scene([
        { type: "image", src: BIG, width: 100 },
        { type: "image", src: BIG, width: 400, height: 200 },
        { type: "image", src: BIG, width: 50, height: 50, resize: "contain" },
      ]),
    );
    // cover 400×200 needs 400/4000 of the source: 400×400 is the largest any layer keeps.
    expect(graphOf(p.scenes[0]!.command)).toMatch(/^\[1:v\]scale=400:400,split=3\[/);
    const full = planOf(
      scene([
        { type: "image", src: BIG, width: 100 },
        { type: "image", src: BIG, x: -10 },
      ]),
    );
    expect(graphOf(full.scenes[0]!.command)).toMatch(/^\[1:v\]split=2\[/);
  });

  it("reads one clip shown by 100 full-frame elements once", () => {
    const p = planOf(
      scene(
        Array.from({ length: 100 }, () => ({ type: "video", src: CLIP })),
        { resolution: "3840x2160" },
      ),
    );
    const cmd = p.scenes[0]!.command;
    expect(inputsOf(cmd)).toHaveLength(2);
    expect(graphOf(cmd)).toContain("[1:v]split=100[");
  });

  it("keeps separate inputs for windows of one clip that start at different times", () => {
    const p = planOf(
      scene([
        { type: "video", src: CLIP, duration: 0.5 },
        { type: "video", src: CLIP, start: 0.5, duration: 0.5 },
      ]),
    );
    expect(inputsOf(p.scenes[0]!.command)).toHaveLength(3);
    expect(graphOf(p.scenes[0]!.command)).not.toContain("split");
  });

  it("keeps the stacking order when shared and unshared layers interleave", () => {
    const p = planOf(
      scene([
        { type: "image", src: BIG, width: 10, "z-index": 1 },
        { type: "image", src: OTHER, width: 20, "z-index": 2 },
        { type: "image", src: BIG, width: 30, "z-index": 3 },
      ]),
    );
    const graph = graphOf(p.scenes[0]!.command);
    const order = [1, 2, 3].map((n) => /scale=(\d+):/.exec(chainOf(graph, n))?.[1]);
    expect(order).toEqual(["10", "20", "30"]);
    const overlays = [...graph.matchAll(/\[(s\d+|0:v)\]\[(l\d+)\]overlay/g)].map((m) => m[2]);
    expect(overlays).toEqual(["l1", "l2", "l3"]);
  });
});

describe("stills at their natural size", () => {
  it("are cut to the part the frame shows before compositing", () => {
    const p = planOf(scene([{ type: "image", src: BIG, x: -100, y: -50 }]));
    const graph = graphOf(p.scenes[0]!.command);
    expect(graph).toContain("crop=1920:1080:100:50:exact=1");
    expect(graph).toContain("overlay=x=0:y=0:");
  });

  it("a still wholly outside the frame is not drawn (nor decoded)", () => {
    const p = planOf(scene([{ type: "image", src: BIG, x: 1920, y: 0 }]));
    expect(inputsOf(p.scenes[0]!.command)).toHaveLength(1);
  });

  it("one that fits is left whole", () => {
    const p = planOf(scene([{ type: "image", src: BIG, x: 0, y: 0 }], { resolution: "3840x2160" }));
    expect(graphOf(p.scenes[0]!.command)).toContain("crop=3840:2160:0:0:exact=1");
    const fits = planOf(scene([{ type: "image", src: SMALL, x: 10, y: 10 }]));
    expect(graphOf(fits.scenes[0]!.command)).not.toContain("crop=");
  });
});

describe("memory estimate per scene", () => {
  it("grows with distinct decoded pictures, not with how often one is shown", () => {
    const one = planOf(scene(Array.from({ length: 40 }, () => ({ type: "image", src: BIG, width: 100 }))));
    const two = planOf(
      scene([
        ...Array.from({ length: 20 }, () => ({ type: "image", src: BIG, width: 100 })),
        ...Array.from({ length: 20 }, () => ({ type: "image", src: OTHER, width: 100 })),
      ]),
    );
    const bytes = (p: ReturnType<typeof planOf>) => p.scenes[0]!.memory.bytes;
    expect(bytes(two) - bytes(one)).toBeGreaterThanOrEqual(4000 * 4000 * 4);
  });

  it("names the element at which a scene passes the limit, with a number", () => {
    const p = planOf(
      scene([
        { type: "image", src: BIG, width: 100 },
        { type: "image", src: BIG, x: 5, width: 100 },
        { type: "image", src: OTHER, width: 100 },
      ]),
    );
    const over = sceneOverMemory(p.scenes[0]!, 280 * 1024 ** 2);
    expect(over?.at).toBe("scenes[0].elements[2]");
    expect(over?.bytes).toBeGreaterThan(280 * 1024 ** 2);
    expect(sceneOverMemory(p.scenes[0]!, 2 * 1024 ** 3)).toBeUndefined();
  });

  it("counts the soundtrack mix too: each audio track is one more decoder in one command", () => {
    const VOICE = "https://example.com/voice.wav";
    const withVoice = new Map([
      ...sources,
      [
        VOICE,
        {
          path: `${WORK}/src-9.wav`,
          format: "wav",
          durationSeconds: 1,
          hasVideo: false,
          hasAudio: true,
          width: undefined,
          height: undefined,
          isStill: false,
        },
      ],
    ]);
    const body = {
      resolution: "160x120",
      scenes: Array.from({ length: 20 }, () => ({
        duration: 1,
        elements: Array.from({ length: 100 }, () => ({ type: "audio", src: VOICE })),
      })),
    };
    const p = buildRenderPlan(project(body), withVoice, {
      workDir: WORK,
      encoder: { preset: "ultrafast", crf: 28 },
    });
    const over = checkRenderMemory(p, 1024 ** 3);
    expect(over?.path).toMatch(/^scenes\[\d+\]\.elements\[\d+\]$/);
    expect(over?.message).toMatch(/soundtrack.*MiB.*VIDEOCRAFT_FFMPEG_MAX_MEMORY/);
    expect(checkRenderMemory(p, 4 * 1024 ** 3)).toBeUndefined();
  });
});
