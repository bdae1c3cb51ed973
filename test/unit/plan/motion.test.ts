import { describe, expect, it } from "vitest";
import { motionFilters } from "../../../functions/core/plan/motion-filter.js";
import { motionEnds } from "../../../functions/core/plan/motion-views.js";
import type { MotionInput } from "../../../functions/core/schema/motion-schema.js";
import { chainOf, graphOf, IMAGE, plan, project, VIDEO } from "./plan-fixtures.js";

const PICTURE = { width: 1600, height: 1200 };
const BOX = { width: 320, height: 180 };
const ends = (m: MotionInput, picture = PICTURE, box = BOX) => motionEnds(m, picture, box);

describe("motion views", () => {
  it("zooms from the picture as cover shows it to 1/zoom of it, centred", () => {
    expect(ends({ type: "zoom-in", zoom: 1.25 })).toEqual({
      from: { x: 0, y: 150, width: 1600, height: 900 },
      to: { x: 160, y: 240, width: 1280, height: 720 },
    });
    const out = ends({ type: "zoom-out" });
    expect(out.from.width).toBeCloseTo(1280);
    expect(out.to.width).toBe(1600);
  });

  it("pans from one edge of the zoom's room to the other", () => {
    const { from, to } = ends({ type: "pan-right", zoom: 1.25 });
    expect([from.x, to.x]).toEqual([0, 320]);
    expect(from.y).toBe(to.y);
    const up = ends({ type: "pan-up", zoom: 1.25 });
    expect([up.from.y, up.to.y]).toEqual([480, 0]);
  });

  it("pans a wide picture across a tall box without any zoom", () => {
    const { from, to } = ends(
      { type: "pan-left", zoom: 1 },
      { width: 4000, height: 1000 },
      { width: 1080, height: 1920 },
    );
    expect(from.width).toBeCloseTo(562.5);
    expect(from.x).toBeCloseTo(4000 - 562.5);
    expect(to.x).toBe(0);
  });

  it("widens a rectangle to the box's shape around its centre, inside the picture", () => {
    const { to } = ends({ to: { left: 0.5, top: 0.5, width: 0.25, height: 0.25 } });
    // 400×300 px widened to 16:9 → 533.3×300, centred on (1000, 750).
    expect(to.width).toBeCloseTo(533.33, 1);
    expect(to.height).toBeCloseTo(300);
    expect(to.x + to.width / 2).toBeCloseTo(1000);
    const edge = ends({ to: { zoom: 2, center_x: 1, center_y: 0 } }).to;
    expect(edge.x + edge.width).toBeCloseTo(1600);
    expect(edge.y).toBe(0);
  });
});

describe("motion filters", () => {
  const spec = (motion: MotionInput) => ({
    motion,
    picture: PICTURE,
    box: BOX,
    fps: 25,
    elapsed: 0,
    length: 2,
    still: { frames: 51, alpha: false },
  });

  it("scales the still once, repeats it per frame, and samples each view with perspective (golden)", () => {
    const m = motionFilters(spec({ type: "zoom-in", zoom: 1.25 }));
    const p = "clip(((in-1)/25+0)/2,0,1)";
    const n = "clip((n/25+0)/2,0,1)";
    const x = (u: string) => `(0+40*${u})`;
    const y = (u: string) => `(37.5+22.5*${u})`;
    const w = (u: string) => `(400-80*${u})`;
    const h = (u: string) => `(225-45*${u})`;
    const cx = (u: string) => `max(0,min(2*floor(${x(u)}/2),0))`;
    const cy = (u: string) => `max(0,min(2*floor(${y(u)}/2),72))`;
    const left = `(${x(p)}-${cx(p)})`;
    const top = `(${y(p)}-${cy(p)})`;
    expect(m.filters).toEqual([
      "scale=400:300",
      "format=yuv420p",
      "loop=loop=50:size=1:start=0",
      "settb=1/25",
      "setpts=N",
      `crop=400:228:'${cx(n)}':'${cy(n)}'`,
      `perspective=x0='${left}':y0='${top}':x1='(${left}+${w(p)})':y1='${top}':x2='${left}':y2='(${top}+${h(p)})':x3='(${left}+${w(p)})':y3='(${top}+${h(p)})':sense=source:eval=frame`,
      "scale=320:180",
      "setsar=1",
    ]);
    expect(m.scale).toBe(0.25);
  });

  it("eases, starts late and continues a project-level element's clock", () => {
    const m = motionFilters({
      ...spec({ type: "zoom-in", easing: "ease-in-out", start: 0.5, duration: 1 }),
      elapsed: 3,
    });
    const crop = m.filters.find((f) => f.startsWith("crop="));
    expect(crop).toContain("clip((n/25+2.5)/1,0,1)*clip((n/25+2.5)/1,0,1)*(3-2*clip((n/25+2.5)/1,0,1))");
  });

  it("keeps an alpha plane for stills that may have one", () => {
    expect(
      motionFilters({ ...spec({ type: "zoom-in" }), still: { frames: 2, alpha: true } }).filters[1],
    ).toBe("format=yuva420p");
  });
});

describe("animation in the plan", () => {
  it("fills the frame with an animated image that has no size, and counts the working picture's memory", () => {
    const body = (animation?: unknown) => ({
      width: 640,
      height: 360,
      fps: 25,
      scenes: [
        { duration: 2, elements: [{ type: "image", src: IMAGE, ...(animation ? { animation } : {}) }] },
      ],
    });
    const moving = plan(body({ type: "zoom-in" }));
    const still = plan(body());
    const graph = graphOf(moving.scenes[0]!.command);
    expect(chainOf(graph, 1)).toMatch(/^\[1:v\]scale=\d+:\d+,format=yuva420p,loop=loop=50:size=1:start=0,/);
    expect(chainOf(graph, 1)).toContain("scale=640:360,setsar=1,setpts=PTS-STARTPTS+round(0/TB)[l1]");
    expect(graph).toContain("overlay=x=0:y=0:");
    expect(moving.scenes[0]!.memory.bytes).toBeGreaterThan(still.scenes[0]!.memory.bytes);
  });

  it("gives a moving video output-rate frames before the motion reads their numbers", () => {
    const p = plan({
      fps: 30,
      scenes: [{ duration: 2, elements: [{ type: "video", src: VIDEO, animation: { type: "pan-left" } }] }],
    });
    expect(chainOf(graphOf(p.scenes[0]!.command), 1)).toMatch(
      /^\[1:v\]setpts=PTS-STARTPTS\+0\/TB,fps=30:start_time=0,scale=\d+:\d+,format=yuv420p,crop=/,
    );
  });

  it("refuses resize modes other than cover with an animation", () => {
    expect(() =>
      project({
        scenes: [
          {
            duration: 1,
            elements: [
              { type: "image", src: IMAGE, resize: "contain", width: 100, animation: { type: "zoom-in" } },
            ],
          },
        ],
      }),
    ).toThrow(/an animated picture fills its box/);
  });
});
