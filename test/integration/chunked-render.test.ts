import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRenderPlan, type PlanOptions } from "../../functions/core/plan/build-render-plan.js";
import type { EncoderSettings, RenderPlan, SceneCaption } from "../../functions/core/plan/render-plan.js";
import type { Project } from "../../functions/core/schema/project.js";
import { probeSources } from "../../functions/render/pipeline/probe-media.js";
import { runFfmpeg } from "../../functions/render/pipeline/run-ffmpeg.js";
import { generateImage, generatePhoto, generateTone, generateVideo } from "../../local/generate-media.js";
import { countFrames, ssimPerFrame, streamDurations } from "../support/frame-compare.js";
import { parseOneProject } from "../support/parse-one-project.js";
import { renderPlanLocally } from "../support/render-plan-locally.js";

/**
 * A long scene split into frame-range chunks, each its own encode, joined with `concat -c copy`,
 * must be the video a single pass renders: same frames, and at every chunk boundary the same
 * picture on both sides. The project puts every timed thing across the boundaries: a looping
 * global background at 25 fps (off the output's 30 fps grid, looping mid-chunk), a clip with
 * fades whose window spans chunks, an image window, captions and narration.
 */
let dir: string;
let project: Project;
let sources: Awaited<ReturnType<typeof probeSources>>;
const FPS = 30;
/** 4 s at 30 fps = 120 frames; chunks of at most 35 → 4 chunks of 30, boundaries at 1, 2 and 3 s. */
const CHUNK_FRAMES = 35;

const words: SceneCaption["words"] = [
  { word: "every", start: 0.2, end: 0.9 },
  { word: "boundary", start: 0.9, end: 2.1 },
  { word: "matches", start: 2.1, end: 3.6 },
];

/** x264 at CRF 0 is lossless: what differs between two such renders is the pictures themselves. */
const LOSSLESS = { preset: "ultrafast", crf: 0 };
/** The default preset at a quality where two encodes of one picture stay above 0.99 SSIM. */
const LOSSY = { preset: "veryfast", crf: 12 };

/** Every segment of a project's plan, the soundtrack and the concat, as the worker runs them. */
async function renderProject(
  what: { project: Project; sources: Awaited<ReturnType<typeof probeSources>> },
  name: string,
  options: Omit<PlanOptions, "workDir">,
): Promise<{ plan: RenderPlan; output: string }> {
  return renderPlanLocally(what.project, what.sources, { workDir: join(dir, name), ...options });
}

function render(name: string, encoder: EncoderSettings, chunkFrames?: number, opaqueBase?: false) {
  return renderProject({ project, sources }, name, {
    encoder,
    ...(opaqueBase === false ? { opaqueBase } : {}),
    captions: [{ sceneIndex: 1, element: "scenes[1].elements[3]", words }],
    ...(chunkFrames ? { chunkFrames } : {}),
  });
}

/** Two lossless renders with `frames` frames, every one the same picture. */
async function expectIdentical(a: string, b: string, frames: number) {
  const ssim = await ssimPerFrame(a, b);
  expect(ssim).toHaveLength(frames);
  expect(ssim.filter((v) => v < 1)).toEqual([]);
}

/** Two renders with `frames` frames, SSIM ≥ 0.99 everywhere and named on both sides of each boundary. */
async function expectSameAcross(a: string, b: string, frames: number, boundaries: number[]) {
  const ssim = await ssimPerFrame(a, b);
  expect(ssim).toHaveLength(frames);
  for (const at of boundaries) {
    expect(ssim[at - 1], `frame ${at - 1}`).toBeGreaterThanOrEqual(0.99);
    expect(ssim[at], `frame ${at}`).toBeGreaterThanOrEqual(0.99);
  }
  expect(Math.min(...ssim)).toBeGreaterThanOrEqual(0.99);
}

let single: Awaited<ReturnType<typeof render>>;
let chunked: Awaited<ReturnType<typeof render>>;
let exactSingle: string;
let exactChunked: string;
let exactOnColour: Awaited<ReturnType<typeof render>>;
let sameRate: { onColour: string; asBase: string };

/** A 30 fps clip filling a 1.5 s scene at 30 fps under an image, rendered both ways, losslessly. */
async function renderSameRate(): Promise<{ onColour: string; asBase: string }> {
  const clip = join(dir, "clip30.mp4");
  await generateVideo(clip, { seconds: 1, width: 320, height: 180, fps: 30 });
  const sameRateProject = parseOneProject({
    resolution: "custom",
    width: 320,
    height: 180,
    fps: FPS,
    scenes: [
      {
        duration: 1.5,
        elements: [
          { type: "video", src: `file://${clip}` },
          { type: "image", src: `file://${join(dir, "logo.png")}`, x: 30, y: 30 },
        ],
      },
    ],
  });
  const paths = new Map([
    [`file://${clip}`, clip],
    [`file://${join(dir, "logo.png")}`, join(dir, "logo.png")],
  ]);
  const probed = await probeSources(paths, { ffprobePath: "ffprobe" });
  const outputs: string[] = [];
  for (const opaqueBase of [false, true]) {
    const workDir = join(dir, `same-rate-${opaqueBase}`);
    await mkdir(workDir, { recursive: true });
    const plan = buildRenderPlan(sameRateProject, probed, { workDir, encoder: LOSSLESS, opaqueBase });
    const segment = plan.segments[0]!.command;
    expect(segment.args.join(" ").includes("color=c=")).toBe(!opaqueBase);
    await runFfmpeg(segment, { ffmpegPath: "ffmpeg", timeoutMs: 120_000 });
    outputs.push(segment.output);
  }
  return { onColour: outputs[0]!, asBase: outputs[1]! };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-chunks-"));
  const file = (name: string) => join(dir, name);
  await Promise.all([
    generateVideo(file("bg.mp4"), { seconds: 2.3, width: 320, height: 180, fps: 25 }),
    generateVideo(file("clip.mp4"), { seconds: 5, width: 160, height: 90, fps: 30, toneHz: 330 }),
    generateImage(file("logo.png"), { width: 40, height: 40, color: "#ff8800" }),
    generateTone(file("voice.wav"), { seconds: 3.5, hz: 440 }),
  ]);
  const body = {
    resolution: "custom",
    width: 320,
    height: 180,
    fps: FPS,
    elements: [{ type: "video", src: `file://${file("bg.mp4")}` }],
    scenes: [
      {
        duration: 0.5,
        "background-color": "#203040",
        elements: [{ type: "image", src: `file://${file("logo.png")}` }],
      },
      {
        duration: 4,
        elements: [
          { type: "audio", src: `file://${file("voice.wav")}` },
          {
            type: "video",
            src: `file://${file("clip.mp4")}`,
            x: 20,
            y: 20,
            width: 160,
            height: 90,
            start: 0.4,
            duration: 3.1,
            "fade-in": 0.8,
            "fade-out": 0.7,
            volume: 0.5,
          },
          { type: "image", src: `file://${file("logo.png")}`, x: 250, y: 10, start: 1.5, duration: 1.2 },
          { type: "subtitles", settings: { style: "karaoke" } },
        ],
      },
    ],
  };
  project = parseOneProject(body);
  const paths = new Map(
    ["bg.mp4", "clip.mp4", "logo.png", "voice.wav"].map((n) => [`file://${file(n)}`, file(n)]),
  );
  sources = await probeSources(paths, { ffprobePath: "ffprobe" });
  single = await render("single", LOSSY);
  chunked = await render("chunked", LOSSY, CHUNK_FRAMES);
  exactSingle = (await render("exact-single", LOSSLESS)).output;
  exactChunked = (await render("exact-chunked", LOSSLESS, CHUNK_FRAMES)).output;
  exactOnColour = await render("exact-on-colour", LOSSLESS, undefined, false);
  sameRate = await renderSameRate();
}, 240_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("a scene split into chunks", () => {
  it("is planned as chunks of at most the chunk length, the short scene left whole", () => {
    expect(single.plan.segments.map((s) => [s.scene, s.startFrame, s.frames])).toEqual([
      [0, 0, 15],
      [1, 0, 120],
    ]);
    expect(chunked.plan.segments.map((s) => [s.scene, s.startFrame, s.frames])).toEqual([
      [0, 0, 15],
      [1, 0, 30],
      [1, 30, 30],
      [1, 60, 30],
      [1, 90, 30],
    ]);
  });

  it("has the single pass's frame count and duration", async () => {
    const frames = await countFrames(chunked.output);
    expect(frames).toBe(135);
    expect(await countFrames(single.output)).toBe(frames);
    const [a, b] = await Promise.all([streamDurations(single.output), streamDurations(chunked.output)]);
    expect(b.video).toBeCloseTo(a.video!, 6);
    expect(b.video).toBeCloseTo(4.5, 6);
  });

  it("draws exactly the single pass's pictures: losslessly encoded, every frame is identical", async () => {
    await expectIdentical(exactSingle, exactChunked, 135);
  });

  it("matches the single pass on both sides of every boundary (SSIM ≥ 0.99)", async () => {
    // Scene 1 starts at frame 15; its chunks at 15 + 30k.
    await expectSameAcross(single.output, chunked.output, 135, [15, 45, 75, 105]);
  });

  it("keeps audio and picture together: their ends differ by less than a frame", async () => {
    for (const output of [single.output, chunked.output]) {
      const d = await streamDurations(output);
      expect(Math.abs(d.video! - d.audio!)).toBeLessThan(1 / FPS);
    }
  });
});

describe("a full-frame opaque clip at the bottom", () => {
  it("is the base frame itself: no colour input, resampled to the output rate", () => {
    const args = single.plan.segments[1]!.command.args;
    expect(args.join(" ")).not.toContain("color=c=");
    expect(args[args.indexOf("-filter_complex") + 1]).toMatch(
      /^\[0:v\][^;]*fps=30:round=up:start_time=0\[base\]/,
    );
    expect(exactOnColour.plan.segments[1]!.command.args.join(" ")).toContain("color=c=");
  });

  it("gives the pixels of overlaying it onto a colour frame", async () => {
    // At the video's frame rate the two pick the same frame at every instant; at another rate the
    // base takes the frame at or before each instant, as the chunk test above relies on.
    const ssim = await ssimPerFrame(sameRate.onColour, sameRate.asBase);
    expect(ssim).toHaveLength(45);
    expect(ssim.filter((v) => v < 1)).toEqual([]);
  });
});

/**
 * Motion and text are timed on the scene's clock too: a Ken Burns zoom computes each view from its
 * frame number and a text's entrance animation is an ASS event, so a chunk that starts mid-scene
 * must continue both where the single pass is at that instant.
 */
describe("chunked scenes with a Ken Burns zoom, an animated text and a pan over a clip", () => {
  let moving: { single: string; chunked: string; exactSingle: string; exactChunked: string };
  let movingPlan: RenderPlan;

  beforeAll(async () => {
    const photo = join(dir, "photo.png");
    const clip = join(dir, "pan.mp4");
    await generatePhoto(photo, { width: 640, height: 400, from: "#1d3557", to: "#e63946" });
    await generateVideo(clip, { seconds: 2.3, width: 480, height: 270, fps: 25 });
    const motionProject = parseOneProject({
      resolution: "custom",
      width: 320,
      height: 180,
      fps: FPS,
      scenes: [
        {
          duration: 3,
          elements: [
            {
              type: "image",
              src: `file://${photo}`,
              animation: { type: "zoom-in", zoom: 1.5, easing: "ease-in-out" },
            },
            // The entrance (0.6 s → 1.4 s) and the exit (to 2.4 s) each cross a boundary.
            {
              type: "text",
              text: "Across chunks",
              "font-size": 40,
              start: 0.6,
              duration: 1.8,
              animation: { in: { type: "slide-up", duration: 0.8 }, out: { type: "fade", duration: 0.8 } },
            },
          ],
        },
        {
          // A looping 25 fps clip under a pan: entered part-way by each later chunk.
          duration: 3,
          elements: [{ type: "video", src: `file://${clip}`, animation: { type: "pan-left" } }],
        },
      ],
    });
    const probed = await probeSources(
      new Map([
        [`file://${photo}`, photo],
        [`file://${clip}`, clip],
      ]),
      { ffprobePath: "ffprobe" },
    );
    const renderMoving = (name: string, encoder: EncoderSettings, chunkFrames?: number) =>
      renderProject({ project: motionProject, sources: probed }, name, {
        encoder,
        ...(chunkFrames ? { chunkFrames } : {}),
      });
    const chunked = await renderMoving("moving-chunked", LOSSY, CHUNK_FRAMES);
    movingPlan = chunked.plan;
    moving = {
      single: (await renderMoving("moving-single", LOSSY)).output,
      chunked: chunked.output,
      exactSingle: (await renderMoving("moving-exact-single", LOSSLESS)).output,
      exactChunked: (await renderMoving("moving-exact-chunked", LOSSLESS, CHUNK_FRAMES)).output,
    };
  }, 240_000);

  it("is planned as three chunks of 30 frames per scene", () => {
    expect(movingPlan.segments.map((s) => [s.scene, s.startFrame, s.frames])).toEqual([
      [0, 0, 30],
      [0, 30, 30],
      [0, 60, 30],
      [1, 0, 30],
      [1, 30, 30],
      [1, 60, 30],
    ]);
  });

  it("matches the single pass on both sides of every boundary (SSIM ≥ 0.99)", async () => {
    await expectSameAcross(moving.single, moving.chunked, 180, [30, 60, 90, 120, 150]);
  });

  it("draws exactly the single pass's pictures: losslessly encoded, every frame is identical", async () => {
    await expectIdentical(moving.exactSingle, moving.exactChunked, 180);
  });

  it("moves: the zoom, the text and the pan change the picture from frame to frame", async () => {
    // Without this, a still picture would match itself across every boundary trivially.
    const ssim = await ssimPerFrame(moving.exactSingle, moving.exactSingle, { shift: 15 });
    // Each pair within a scene (past frame 165 the shifted copy has ended).
    expect(Math.max(...ssim.slice(0, 75))).toBeLessThan(0.99);
    expect(Math.max(...ssim.slice(90, 165))).toBeLessThan(0.99);
  });
});
