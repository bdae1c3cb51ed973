import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Box, type Frame, pixelBox, type Rgb } from "../support/burn-captions.js";
import { grabFrame, near } from "../support/media-probe.js";
import { brightCentroid, greyFrames, renderScenes, stillSource } from "../support/render-scene.js";

const run = promisify(execFile);

/**
 * Text elements and motion as they come out of ffmpeg: the planner's own segment commands are run
 * and frames read back. The scene background is the captions tests' (0x204060), so pixelBox finds
 * what was drawn on it.
 */
let dir: string;
const BG = "#204060";
const RED: Rgb = [255, 0, 0];
const GREEN: Rgb = [0, 255, 0];
const BLUE: Rgb = [0, 0, 255];
const YELLOW: Rgb = [255, 255, 0];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-text-motion-"));
  // A black picture with one bright square, for tracking; and one of four coloured quadrants.
  await run("ffmpeg", [
    ...["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=black:s=1600x1200:d=1"],
    ...["-vf", "drawbox=x=1100:y=700:w=24:h=24:color=white:t=fill", "-frames:v", "1", join(dir, "dot.png")],
  ]);
  await run("ffmpeg", [
    ...["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=white:s=640x360:d=1"],
    "-vf",
    [
      "drawbox=x=0:y=0:w=320:h=180:color=red:t=fill",
      "drawbox=x=320:y=0:w=320:h=180:color=0x00FF00:t=fill",
      "drawbox=x=0:y=180:w=320:h=180:color=blue:t=fill",
    ].join(","),
    ...["-frames:v", "1", join(dir, "quadrants.png")],
  ]);
  // A clip of a still scene with one bright square, for tracking a pan over a video.
  await run("ffmpeg", [
    ...["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=black:s=960x540:r=25:d=2"],
    ...["-vf", "drawbox=x=600:y=300:w=16:h=16:color=white:t=fill", "-c:v", "libx264", "-preset", "ultrafast"],
    ...["-pix_fmt", "yuv420p", join(dir, "dot.mp4")],
  ]);
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const scene = (duration: number, elements: unknown[], extra: Record<string, unknown> = {}) => ({
  width: 640,
  height: 360,
  fps: 20,
  "background-color": BG,
  scenes: [{ duration, elements }],
  ...extra,
});

async function framesAt(segment: string, times: number[]): Promise<Frame[]> {
  return Promise.all(times.map((t) => grabFrame(segment, t)));
}

const boxOf = (f: Frame, color: Rgb) => pixelBox(f, color, 60);
const width = (b: Box) => b.maxX - b.minX + 1;

describe("text elements, burned in", () => {
  it("puts each element at its named position with its colours", async () => {
    const { segments } = await renderScenes(
      join(dir, "positions"),
      scene(0.5, [
        {
          type: "text",
          text: "A",
          position: "left-top",
          margin: 10,
          "font-size": 30,
          "box-color": "#FF0000",
        },
        {
          type: "text",
          text: "B",
          position: "right-top",
          margin: 10,
          "font-size": 30,
          "box-color": "#00FF00",
        },
        {
          type: "text",
          text: "C",
          position: "left-bottom",
          margin: 10,
          "font-size": 30,
          "box-color": "#0000FF",
        },
        { type: "text", text: "DDD", position: "center", "font-size": 60, color: "#FFFF00" },
      ]),
    );
    const [frame] = await framesAt(segments[0]!, [0.2]);
    const red = boxOf(frame!, RED);
    const green = boxOf(frame!, GREEN);
    const blue = boxOf(frame!, BLUE);
    const yellow = boxOf(frame!, YELLOW);
    expect([red.minX, red.minY]).toEqual([expect.closeTo(10, 0), expect.closeTo(10, 0)]);
    expect([green.maxX, green.minY]).toEqual([expect.closeTo(629, 0), expect.closeTo(10, 0)]);
    expect([blue.minX, blue.maxY]).toEqual([expect.closeTo(10, 0), expect.closeTo(349, 0)]);
    // Box: the line (30 px) plus 30 % padding above and below.
    expect(red.maxY - red.minY + 1).toBeGreaterThanOrEqual(46);
    expect(red.maxY - red.minY + 1).toBeLessThanOrEqual(50);
    expect(yellow.count).toBeGreaterThan(300);
    expect(yellow.centerX).toBeGreaterThan(310);
    expect(yellow.centerX).toBeLessThan(330);
    expect((yellow.minY + yellow.maxY) / 2).toBeGreaterThan(165);
    expect((yellow.minY + yellow.maxY) / 2).toBeLessThan(195);
  }, 60_000);

  it("draws hostile text literally: an override in the text changes nothing", async () => {
    const { segments } = await renderScenes(
      join(dir, "hostile"),
      scene(0.3, [
        {
          type: "text",
          text: "{\\fs200\\c&H00FF00&}X",
          "font-size": 30,
          "box-color": "#FF0000",
          position: "left-top",
        },
      ]),
    );
    const [frame] = await framesAt(segments[0]!, [0.1]);
    const red = boxOf(frame!, RED);
    expect(red.maxY - red.minY).toBeLessThan(52);
    // All of "{\fs200\c&H00FF00&}X" is on the line: far wider than one X.
    expect(width(red)).toBeGreaterThan(250);
    expect(boxOf(frame!, GREEN).count).toBe(0);
  }, 60_000);

  it("animates entrances and exits on time: fade, slide, pop and typewriter", async () => {
    const { segments } = await renderScenes(
      join(dir, "animations"),
      scene(2, [
        {
          type: "text",
          text: "Fade",
          position: "left-top",
          margin: 10,
          "font-size": 30,
          "box-color": "#FF0000",
          animation: { in: { type: "fade", duration: 1 }, out: { type: "fade", duration: 0.5 } },
        },
        {
          type: "text",
          text: "Slide",
          position: "right-top",
          margin: 10,
          "font-size": 30,
          "box-color": "#00FF00",
          animation: { in: { type: "slide-up", duration: 1 } },
        },
        {
          type: "text",
          text: "Pop",
          position: "left-bottom",
          margin: 10,
          "font-size": 30,
          "box-color": "#0000FF",
          animation: { in: { type: "pop", duration: 1 } },
        },
        {
          type: "text",
          text: "ABCDEFGHIJ",
          position: "center",
          "font-size": 40,
          color: "#FFFF00",
          animation: { in: { type: "typewriter", duration: 1 } },
        },
      ]),
    );
    const times = [0.1, 0.25, 0.5, 0.75, 0.95, 1.4, 1.9];
    const frames = await framesAt(segments[0]!, times);
    const f = (t: number) => frames[times.indexOf(t)] as Frame;

    // Fade: the red box's centre goes from the background towards red, then back out.
    const fadeRed = (t: number) => f(t).pixel(40, 25)[0];
    expect(fadeRed(0.1)).toBeLessThan(fadeRed(0.5));
    expect(fadeRed(0.5)).toBeLessThan(fadeRed(0.95));
    expect(near(f(1.4).pixel(40, 25), RED, 40)).toBe(true);
    expect(fadeRed(1.9)).toBeLessThan(fadeRed(1.4) - 40);

    // Slide up: the green box rises into place (10 px from the top) and stays.
    const greenTop = (t: number) => boxOf(f(t), GREEN).minY;
    expect(greenTop(0.25)).toBeGreaterThan(greenTop(0.5));
    expect(greenTop(0.5)).toBeGreaterThan(greenTop(0.95));
    expect(greenTop(1.4)).toBe(10);

    // Pop: the blue box grows past its size, then settles.
    const blueWidth = (t: number) => width(boxOf(f(t), BLUE));
    expect(blueWidth(0.1)).toBeLessThan(blueWidth(0.5));
    expect(blueWidth(0.75)).toBeGreaterThan(blueWidth(1.4));
    expect(blueWidth(1.9)).toBe(blueWidth(1.4));

    // Typewriter: more characters every moment, all of them once typed.
    const typed = (t: number) => boxOf(f(t), YELLOW);
    expect(typed(0.1).count).toBeGreaterThan(0);
    expect(typed(0.25).maxX).toBeLessThan(typed(0.5).maxX);
    expect(typed(0.5).maxX).toBeLessThan(typed(0.95).maxX);
    expect(typed(1.4).maxX).toBe(typed(1.9).maxX);
    expect(typed(0.1).minX).toBe(typed(1.4).minX);
  }, 90_000);
});

describe("motion on stills", () => {
  const W = 320;
  const H = 180;
  const still = (animation: unknown, seconds = 2, src = "https://x/dot.png") => ({
    width: W,
    height: H,
    fps: 25,
    scenes: [{ duration: seconds, elements: [{ type: "image", src, animation }] }],
  });
  const dot = () => new Map([["https://x/dot.png", stillSource(join(dir, "dot.png"), 1600, 1200)]]);

  it("zooms in smoothly: a tracked feature moves outward every frame, never back", async () => {
    const { segments } = await renderScenes(join(dir, "zoom"), still({ type: "zoom-in", zoom: 1.1 }), dot());
    const frames = await greyFrames(segments[0]!, W, H);
    expect(frames).toHaveLength(50);
    const xs = frames.map((fr) => brightCentroid(fr, W, H).x);
    const steps = xs.slice(1).map((x, i) => x - (xs[i] ?? 0));
    // The square sits right of centre: zooming in moves it right, a sub-pixel step each frame.
    expect(Math.min(...steps)).toBeGreaterThan(0);
    expect(Math.max(...steps)).toBeLessThan(0.5);
    // Where the requested views put its centre (x = 1112 in the picture): 1112 / 1600 × 320 at zoom 1;
    // the last frame is 98 % of the way to zoom 1.1 (a view 1457.5 wide from x = 71.3). A pixel's
    // index is its centre less half a pixel.
    expect(xs[0]).toBeCloseTo(222.4 - 0.5, 0);
    expect(xs.at(-1)).toBeCloseTo(((1112 - 71.27) / 1457.45) * 320 - 0.5, 0);
  }, 60_000);

  it("pans right smoothly: the picture moves left every frame", async () => {
    const { segments } = await renderScenes(
      join(dir, "pan"),
      still({ type: "pan-right", zoom: 1.25 }),
      dot(),
    );
    const xs = (await greyFrames(segments[0]!, W, H)).map((fr) => brightCentroid(fr, W, H).x);
    const steps = xs.slice(1).map((x, i) => x - (xs[i] ?? 0));
    expect(Math.max(...steps)).toBeLessThan(0);
    expect(xs[0]! - xs.at(-1)!).toBeGreaterThan(60);
  }, 60_000);

  it("pans over a video smoothly too: output-rate frames, the picture moving every frame", async () => {
    const clip = {
      path: join(dir, "dot.mp4"),
      format: "mov",
      durationSeconds: 2,
      hasVideo: true,
      hasAudio: false,
      width: 960,
      height: 540,
      isStill: false,
    };
    const { segments } = await renderScenes(
      join(dir, "video-pan"),
      {
        width: W,
        height: H,
        fps: 25,
        scenes: [
          {
            duration: 2,
            elements: [{ type: "video", src: "https://x/dot.mp4", animation: { type: "pan-left" } }],
          },
        ],
      },
      new Map([["https://x/dot.mp4", clip]]),
    );
    const xs = (await greyFrames(segments[0]!, W, H)).map((fr) => brightCentroid(fr, W, H).x);
    expect(xs).toHaveLength(50);
    const steps = xs.slice(1).map((x, i) => x - (xs[i] ?? 0));
    // pan-left: the view travels left, so the picture moves right.
    expect(Math.min(...steps)).toBeGreaterThan(0);
    expect(xs.at(-1)! - xs[0]!).toBeGreaterThan(40);
  }, 60_000);

  it("shows the requested rectangle at the start and at the end", async () => {
    const { segments } = await renderScenes(
      join(dir, "rect"),
      still(
        { from: { zoom: 1 }, to: { left: 0, top: 0, width: 0.5, height: 0.5 }, duration: 1 },
        1.5,
        "https://x/q.png",
      ),
      new Map([["https://x/q.png", stillSource(join(dir, "quadrants.png"), 640, 360)]]),
    );
    const [first, last] = await framesAt(segments[0]!, [0, 1.4]);
    expect(near(first!.pixel(80, 45), RED)).toBe(true);
    expect(near(first!.pixel(240, 45), GREEN)).toBe(true);
    expect(near(first!.pixel(80, 135), BLUE)).toBe(true);
    expect(near(first!.pixel(240, 135), [255, 255, 255])).toBe(true);
    for (const [x, y] of [
      [3, 3],
      [316, 3],
      [3, 176],
      [316, 176],
      [160, 90],
    ] as const) {
      expect(near(last!.pixel(x, y), RED), `(${x}, ${y})`).toBe(true);
    }
  }, 60_000);
});
