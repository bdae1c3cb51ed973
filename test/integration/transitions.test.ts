import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EncoderSettings, RenderPlan } from "../../functions/core/plan/render-plan.js";
import { probeSources } from "../../functions/render/pipeline/probe-media.js";
import { generatePhoto, generateTone, generateVideo } from "../../local/generate-media.js";
import { countFrames, ssimPerFrame, streamDurations } from "../support/frame-compare.js";
import { grabFrameNumber, near } from "../support/media-probe.js";
import { parseOneProject } from "../support/parse-one-project.js";
import { renderPlanLocally } from "../support/render-plan-locally.js";

/**
 * Two 1.5 s scenes of solid colours (red, then blue) with narration, rendered without a
 * transition, with a 0.5 s crossfade and with a wipe: the transition changes only the pictures
 * around the cut, never the length, the frame count or the sound.
 */
let dir: string;
const RED: [number, number, number] = [255, 0, 0];
const BLUE: [number, number, number] = [0, 0, 255];
const renders: Record<string, { plan: RenderPlan; output: string }> = {};

/** Plans `body` through the real parser and planner and runs every step of the render in `name`. */
async function renderVideo(
  name: string,
  body: unknown,
  paths: Map<string, string>,
  encoder: EncoderSettings,
): Promise<{ plan: RenderPlan; output: string }> {
  const sources = await probeSources(paths, { ffprobePath: "ffprobe" });
  return renderPlanLocally(parseOneProject(body), sources, { workDir: join(dir, name), encoder });
}

async function render(name: string, transition: unknown): Promise<void> {
  const voice = `file://${join(dir, "voice.wav")}`;
  const scene = (color: string) => ({
    duration: 1.5,
    "background-color": color,
    elements: [{ type: "audio", src: voice }],
  });
  const body = {
    resolution: "custom",
    width: 320,
    height: 180,
    fps: 30,
    scenes: [scene("#ff0000"), { ...scene("#0000ff"), ...(transition ? { transition } : {}) }],
  };
  const paths = new Map([[voice, join(dir, "voice.wav")]]);
  renders[name] = await renderVideo(name, body, paths, { preset: "veryfast", crf: 18 });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-transitions-"));
  await generateTone(join(dir, "voice.wav"), { seconds: 1.4, hz: 440 });
  await render("none", undefined);
  await render("crossfade", { type: "crossfade", duration: 0.5 });
  await render("wipe", { type: "wipe-left", duration: 0.5 });
  await render("fade", { type: "fade", duration: 0.5, color: "#ffffff" });
}, 240_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Frame `n` of a render (the cut is frame 45), read at (x, y). */
const pixelAt = async (name: string, n: number, x = 160, y = 90) =>
  (await grabFrameNumber(renders[name]!.output, n)).pixel(x, y);

describe("a transition between two scenes", () => {
  it("is its own segment between the scenes' shortened ones", () => {
    expect(renders.crossfade!.plan.segments.map((s) => [s.scene, s.startFrame, s.frames])).toEqual([
      [0, 0, 37],
      [0, 37, 16],
      [1, 8, 37],
    ]);
  });

  it("keeps the video's frame count and duration, and the soundtrack's length", async () => {
    const none = await streamDurations(renders.none!.output);
    expect(await countFrames(renders.none!.output)).toBe(90);
    for (const name of ["crossfade", "wipe", "fade"]) {
      expect(await countFrames(renders[name]!.output)).toBe(90);
      const d = await streamDurations(renders[name]!.output);
      expect(d.video).toBeCloseTo(none.video!, 6);
      expect(d.audio).toBeCloseTo(none.audio!, 6);
      expect(d.video).toBeCloseTo(3, 6);
    }
  });

  it("crossfade: at the cut each channel is halfway between the two colours", async () => {
    const [r, g, b] = await pixelAt("crossfade", 45);
    expect(Math.abs(r - 128)).toBeLessThan(12);
    expect(Math.abs(b - 128)).toBeLessThan(12);
    expect(g).toBeLessThan(30);
    // Three frames into the window red still leads; three before its end blue does.
    const early = await pixelAt("crossfade", 40);
    const late = await pixelAt("crossfade", 49);
    expect(early[0]).toBeGreaterThan(early[2]);
    expect(late[2]).toBeGreaterThan(late[0]);
  });

  it("crossfade: frames well outside the window are the pure colours", async () => {
    expect(near(await pixelAt("crossfade", 30), RED, 12)).toBe(true);
    expect(near(await pixelAt("crossfade", 36), RED, 12)).toBe(true);
    expect(near(await pixelAt("crossfade", 54), BLUE, 12)).toBe(true);
    expect(near(await pixelAt("crossfade", 75), BLUE, 12)).toBe(true);
  });

  it("wipe-left: at the cut the outgoing scene holds the left half, the incoming one the right", async () => {
    expect(near(await pixelAt("wipe", 45, 40, 90), RED, 12)).toBe(true);
    expect(near(await pixelAt("wipe", 45, 280, 90), BLUE, 12)).toBe(true);
    expect(near(await pixelAt("wipe", 30, 280, 90), RED, 12)).toBe(true);
    expect(near(await pixelAt("wipe", 60, 40, 90), BLUE, 12)).toBe(true);
  });

  it("fade through white: white at the cut, the scenes' colours outside the window", async () => {
    expect(near(await pixelAt("fade", 45), [255, 255, 255], 12)).toBe(true);
    expect(near(await pixelAt("fade", 33), RED, 12)).toBe(true);
    expect(near(await pixelAt("fade", 57), BLUE, 12)).toBe(true);
  });
});

/**
 * A Ken Burns zoom and an animated text are timed on their scene's clock (the zoom by frame
 * number, the text as ASS events): the scenes' parts that a transition shortens, and both sides
 * of the window, must show them where a render without the transition does.
 */
describe("a crossfade between scenes with motion and animated text", () => {
  let plain: string;
  let faded: string;
  /** 3 s scenes at 30 fps, a 0.5 s crossfade: the window is frames 82–97, the cut at 90. */
  const WINDOW = { first: 82, cut: 90, end: 98 };

  beforeAll(async () => {
    const photo = join(dir, "photo.png");
    const clip = join(dir, "pan.mp4");
    await generatePhoto(photo, { width: 640, height: 400, from: "#1d3557", to: "#e63946" });
    await generateVideo(clip, { seconds: 2.3, width: 480, height: 270, fps: 25 });
    const body = (transition?: unknown) => ({
      resolution: "custom",
      width: 320,
      height: 180,
      fps: 30,
      scenes: [
        {
          duration: 3,
          elements: [
            { type: "image", src: `file://${photo}`, animation: { type: "zoom-in", zoom: 1.5 } },
            // Its exit fade (2.2 s → 3 s) runs into the window.
            {
              type: "text",
              text: "Going",
              "font-size": 40,
              animation: { out: { type: "fade", duration: 0.8 } },
            },
          ],
        },
        {
          duration: 3,
          ...(transition ? { transition } : {}),
          elements: [
            { type: "video", src: `file://${clip}`, animation: { type: "pan-left" } },
            // Its entrance (0 → 0.8 s) runs through the window's second half and past it.
            {
              type: "text",
              text: "Coming",
              "font-size": 40,
              animation: { in: { type: "slide-up", duration: 0.8 } },
            },
          ],
        },
      ],
    });
    const paths = new Map([
      [`file://${photo}`, photo],
      [`file://${clip}`, clip],
    ]);
    // Lossless, so what differs between the two renders is the pictures themselves.
    const render = async (name: string, transition?: unknown) =>
      (await renderVideo(name, body(transition), paths, { preset: "ultrafast", crf: 0 })).output;
    plain = await render("moving-plain");
    faded = await render("moving-crossfade", { type: "crossfade", duration: 0.5 });
  }, 240_000);

  it("draws every frame outside the window exactly as without the transition, and its first frame", async () => {
    const ssim = await ssimPerFrame(plain, faded);
    expect(ssim).toHaveLength(180);
    const outside = ssim.flatMap((v, n) => ((n < WINDOW.first || n >= WINDOW.end) && v < 1 ? [n] : []));
    expect(outside).toEqual([]);
    expect(ssim[WINDOW.first]).toBeGreaterThanOrEqual(0.999);
    // Inside it the picture really changes (the other scene blends in).
    expect(ssim[WINDOW.cut]).toBeLessThan(0.95);
  });

  it("at the cut shows the outgoing scene's last frame and the incoming scene's first, half each", async () => {
    // Both as the render without a transition draws them: zoom, text fade, pan and text slide.
    // (xfade's mix and blend's average round differently, hence not 1.)
    const blendOf = (a: number) => ssimAgainstBlend(faded, WINDOW.cut, plain, a, a + 1);
    const [before, at, after] = [
      await blendOf(WINDOW.cut - 2),
      await blendOf(WINDOW.cut - 1),
      await blendOf(WINDOW.cut),
    ];
    expect(at).toBeGreaterThanOrEqual(0.97);
    // A frame off on either side matches far worse.
    expect(at - Math.max(before, after)).toBeGreaterThan(0.1);
  });
});

/** SSIM of frame `n` of `video` against the average of frames `a` and `b` of `reference`. */
async function ssimAgainstBlend(video: string, n: number, reference: string, a: number, b: number) {
  const pick = (input: number, frame: number, label: string) =>
    `[${input}:v]select=eq(n\\,${frame}),setpts=PTS-STARTPTS[${label}]`;
  const graph = [
    pick(0, n, "t"),
    pick(1, a, "a"),
    pick(2, b, "b"),
    "[a][b]blend=all_mode=average[m]",
    "[t][m]ssim=stats_file=-",
  ].join(";");
  const { stdout } = await promisify(execFile)("ffmpeg", [
    ...["-hide_banner", "-nostdin", "-i", video, "-i", reference, "-i", reference],
    ...["-filter_complex", graph, "-f", "null", "-"],
  ]);
  const value = /All:([\d.]+)/.exec(stdout)?.[1];
  if (value === undefined) throw new Error(`no SSIM for frame ${n}`);
  return Number(value);
}
