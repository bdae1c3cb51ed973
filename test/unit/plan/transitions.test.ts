import { describe, expect, it } from "vitest";
import { parseProjectRequest } from "../../../functions/core/schema/parse-project-request.js";
import { argAfter, graphOf, IMAGE, inputsOf, plan, WORK } from "./plan-fixtures.js";

const BASE = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error"];

/** Two coloured scenes of 1.5 s at 30 fps (45 frames each) with `transition` into the second. */
const twoScenes = (transition: unknown, extra: Record<string, unknown> = {}) => ({
  width: 320,
  height: 180,
  fps: 30,
  ...extra,
  scenes: [
    { duration: 1.5, "background-color": "#ff0000", elements: [{ type: "image", src: IMAGE }] },
    { duration: 1.5, "background-color": "#0000ff", elements: [{ type: "image", src: IMAGE }], transition },
  ],
});

/** Everything from `-map` on: the encode every segment shares. */
const encode = (frames: number, output: string) => [
  "-map",
  "[vout]",
  "-an",
  "-c:v",
  "libx264",
  "-preset",
  "veryfast",
  "-crf",
  "23",
  "-x264-params",
  "sync-lookahead=0",
  "-pix_fmt",
  "yuv420p",
  "-r",
  "30",
  "-frames:v",
  String(frames),
  "-video_track_timescale",
  "90000",
  output,
];

describe("a crossfade between two scenes", () => {
  const p = plan(twoScenes({ type: "crossfade", duration: 0.5 }));

  it("keeps the cut and the length, and the frames of the segments add up to the video's", () => {
    expect(p.totalFrames).toBe(90);
    expect(p.scenes.map((s) => [s.start, s.frames])).toEqual([
      [0, 45],
      [1.5, 45],
    ]);
    // 0.5 s × 30 fps / 2 = 7.5 → 8 frames each side of the cut: a window of 16.
    expect(p.segments.map((s) => [s.scene, s.startFrame, s.frames, s.transition])).toEqual([
      [0, 0, 37, undefined],
      [0, 37, 16, "crossfade"],
      [1, 8, 37, undefined],
    ]);
    expect(p.segments.reduce((n, s) => n + s.frames, 0)).toBe(p.totalFrames);
    expect(p.assemble.files[0]?.content).toBe(
      [
        `file '${WORK}/segment-0-0.mp4'`,
        "duration 1.233333",
        `file '${WORK}/transition-1.mp4'`,
        "duration 0.533333",
        `file '${WORK}/segment-1-0.mp4'`,
        "duration 1.233333",
        "",
      ].join("\n"),
    );
  });

  it("renders the scenes' own frames as chunks do: the incoming scene from frame 8 on", () => {
    const incoming = p.segments[2]!.command;
    expect(argAfter(incoming, "-frames:v")).toBe("37");
    expect(graphOf(incoming).startsWith("[0:v]setpts=PTS+round(0.266667/TB)[base];")).toBe(true);
  });

  it("draws the window in one command: both scenes' graphs, held frames, xfade (golden)", () => {
    const cmd = p.segments[1]!.command;
    expect(cmd.output).toBe(`${WORK}/transition-1.mp4`);
    expect(cmd.durationSeconds).toBeCloseTo(16 / 30, 12);
    const logo = ["-f", "png_pipe", "-protocol_whitelist", "file", "-i", "/work/job-1/src-logo.png"];
    expect(inputsOf(cmd)).toEqual([
      ["-f", "lavfi", "-i", "color=c=0xFF0000:s=320x180:r=30:d=0.266667"],
      logo,
      ["-f", "lavfi", "-i", "color=c=0x0000FF:s=320x180:r=30:d=0.266667"],
      logo,
    ]);
    expect(graphOf(cmd).split(";")).toEqual([
      "[0:v]setpts=PTS+round(1.233333/TB)[ta_base]",
      "[1:v]crop=320:180:0:0:exact=1,setsar=1,setpts=PTS-STARTPTS+1.233333/TB[ta_l1]",
      "[ta_base][ta_l1]overlay=x=0:y=0:enable='between(t,0,1.5)'[ta_s1]",
      "[ta_s1]setpts=PTS-STARTPTS,format=yuv420p[ta]",
      "[3:v]crop=320:180:0:0:exact=1,setsar=1,setpts=PTS-STARTPTS+0/TB[tb_l1]",
      "[2:v][tb_l1]overlay=x=0:y=0:enable='between(t,0,1.5)'[tb_s1]",
      "[tb_s1]format=yuv420p[tb]",
      "[ta]tpad=stop_mode=clone:stop=8,setpts=N/(30*TB)[pa]",
      "[tb]tpad=start_mode=clone:start=8,setpts=N/(30*TB)[pb]",
      "[pa][pb]xfade=transition=fade:duration=0.533333:offset=0[vout]",
    ]);
    expect(cmd.args.slice(0, BASE.length)).toEqual(BASE);
    expect(cmd.args.slice(cmd.args.indexOf("-map"))).toEqual(encode(16, `${WORK}/transition-1.mp4`));
  });

  it("encodes the window exactly like the scenes' segments, so concat -c copy joins them", () => {
    const tail = (args: string[]) => {
      const from = args.indexOf("-map");
      const frames = args.indexOf("-frames:v");
      return [...args.slice(from, frames), ...args.slice(frames + 2, -1)];
    };
    const [a, t, b] = p.segments.map((s) => tail(s.command.args));
    expect(t).toEqual(a);
    expect(t).toEqual(b);
  });
});

describe("other transitions", () => {
  it("slide-left and wipe-up map to ffmpeg's slideleft and wipeup (golden mix)", () => {
    const slide = graphOf(plan(twoScenes({ type: "slide_left", duration: 0.4 })).segments[1]!.command);
    expect(slide.split(";").slice(-3)).toEqual([
      "[ta]tpad=stop_mode=clone:stop=6,setpts=N/(30*TB)[pa]",
      "[tb]tpad=start_mode=clone:start=6,setpts=N/(30*TB)[pb]",
      "[pa][pb]xfade=transition=slideleft:duration=0.4:offset=0[vout]",
    ]);
    const wipe = graphOf(plan(twoScenes({ type: "wipe-up" })).segments[1]!.command);
    expect(wipe).toMatch(/xfade=transition=wipeup:duration=0.533333:offset=0\[vout\]$/);
  });

  it("fade goes out to the colour and in from it, the pure colour at the cut", () => {
    const p = plan(twoScenes({ type: "fade", duration: 0.2, color: "#ffffff" }));
    expect(p.segments.map((s) => s.frames)).toEqual([42, 6, 42]);
    expect(graphOf(p.segments[1]!.command).split(";").slice(-3)).toEqual([
      "[ta]fade=t=out:s=0:n=3:color=0xFFFFFF[fa]",
      "[tb]fade=t=in:s=0:n=3:color=0xFFFFFF[fb]",
      "[fa][fb]concat=n=2:v=1:a=0[vout]",
    ]);
    expect(graphOf(plan(twoScenes({ type: "fade" })).segments[1]!.command)).toContain("color=0x000000[fa]");
  });

  it("on the first scene is ignored with a warning", () => {
    const body = twoScenes(undefined);
    const first = body.scenes[0] as Record<string, unknown>;
    first.transition = { type: "crossfade" };
    const p = plan(body);
    expect(p.segments.map((s) => s.frames)).toEqual([45, 45]);
    expect(p.warnings).toContain(
      "scenes[0].transition: the first scene has no scene before it to come from; the transition was ignored",
    );
  });

  it("between chunked scenes: the chunks share out what the window leaves", async () => {
    const { buildRenderPlan } = await import("../../../functions/core/plan/build-render-plan.js");
    const { project, SOURCES } = await import("./plan-fixtures.js");
    const three = {
      width: 320,
      height: 180,
      fps: 10,
      scenes: [
        { duration: 4, elements: [{ type: "image", src: IMAGE }] },
        {
          duration: 4,
          elements: [{ type: "image", src: IMAGE }],
          transition: { type: "wipe-left", duration: 1 },
        },
        {
          duration: 2,
          elements: [{ type: "image", src: IMAGE }],
          transition: { type: "crossfade", duration: 1 },
        },
      ],
    };
    const p = buildRenderPlan(project(three), SOURCES, {
      workDir: WORK,
      encoder: { preset: "veryfast", crf: 23 },
      chunkFrames: 20,
    });
    expect(p.segments.map((s) => [s.scene, s.startFrame, s.frames, s.transition ?? ""])).toEqual([
      [0, 0, 18, ""],
      [0, 18, 17, ""],
      [0, 35, 10, "wipe-left"],
      [1, 5, 15, ""],
      [1, 20, 15, ""],
      [1, 35, 10, "crossfade"],
      [2, 5, 15, ""],
    ]);
    expect(p.segments.reduce((n, s) => n + s.frames, 0)).toBe(100);
  });
});

describe("transition validation", () => {
  const issues = (body: unknown) => {
    const parsed = parseProjectRequest(body, { maxProjects: 1 });
    return parsed.ok ? [] : parsed.issues;
  };

  it("names the field of a duration that is not positive or longer than half a neighbouring scene", () => {
    expect(issues(twoScenes({ type: "crossfade", duration: 0 }))).toEqual([
      expect.objectContaining({ path: "scenes[1].transition.duration" }),
    ]);
    expect(issues(twoScenes({ type: "crossfade", duration: 0.8 }))).toEqual([
      {
        path: "scenes[1].transition.duration",
        message: "a 0.8 s transition is longer than half of scenes[0] (1.5 s)",
      },
    ]);
    expect(issues(twoScenes({ type: "crossfade", duration: 0.75 }))).toEqual([]);
  });

  it("names an unknown type, a colour on anything but fade, and unknown keys", () => {
    expect(issues(twoScenes({ type: "spin" })).map((i) => i.path)).toEqual(["scenes[1].transition.type"]);
    expect(issues(twoScenes({ type: "wipe-left", color: "#ffffff" })).map((i) => i.path)).toEqual([
      "scenes[1].transition.color",
    ]);
    expect(issues(twoScenes({ type: "fade", colour: "#ffffff" })).map((i) => i.path)).toEqual([
      "scenes[1].transition.colour",
    ]);
  });

  it("normalises the type's underscore form and fills in the default duration", () => {
    const parsed = parseProjectRequest(twoScenes({ type: "slide_up" }), { maxProjects: 1 });
    expect(parsed.ok && parsed.projects[0]?.scenes[1]?.transition).toEqual({
      type: "slide-up",
      duration: 0.5,
    });
  });
});

describe("a transition's memory", () => {
  it("is both scenes' at once: a window can be refused where each scene alone fits", async () => {
    const { checkRenderMemory } = await import("../../../functions/core/plan/segment-memory.js");
    const p = plan(twoScenes({ type: "crossfade" }, { width: 1920, height: 1080 }));
    const window = p.segments[1]!;
    const [a, b] = p.scenes.map((s) => s.memory.bytes) as [number, number];
    expect(window.memory.bytes).toBeGreaterThan(Math.max(a, b));
    const limit = Math.max(a, b) + 1;
    expect(checkRenderMemory(p, limit)).toEqual({
      path: "scenes[1].transition",
      message: expect.stringMatching(/^drawing the transition into scene 1 \(both scenes at once\)/),
    });
    expect(checkRenderMemory(p, window.memory.bytes)).toBeUndefined();
  });
});
