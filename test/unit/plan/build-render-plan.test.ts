import { describe, expect, it } from "vitest";
import { buildRenderPlan } from "../../../functions/core/plan/build-render-plan.js";
import { argAfter, graphOf, IMAGE, inputsOf, plan, project, SOURCES, VOICE, WORK } from "./plan-fixtures.js";

const BASE = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error"];

describe("buildRenderPlan", () => {
  const twoScenes = {
    width: 1280,
    height: 720,
    fps: 25,
    "background-color": "#112233",
    scenes: [
      {
        id: "intro",
        duration: 2,
        "background-color": "#abcdef80",
        elements: [{ type: "image", src: IMAGE }],
      },
      { elements: [{ type: "audio", src: VOICE }] },
    ],
  };

  it("describes the timeline and writes one segment per scene", () => {
    const p = plan(twoScenes);
    expect(p).toMatchObject({ width: 1280, height: 720, fps: 25, totalFrames: 163, totalDuration: 163 / 25 });
    expect(p.scenes.map((s) => [s.index, s.id, s.start, s.frames])).toEqual([
      [0, "intro", 0, 50],
      [1, "scene-1", 2, 113],
    ]);
    expect(p.scenes.map((s) => s.command.output)).toEqual([`${WORK}/segment-0.mp4`, `${WORK}/segment-1.mp4`]);
    expect(p.scenes[1]?.command.durationSeconds).toBeCloseTo(4.52, 12);
  });

  it("encodes segments picture-only with identical concat-safe parameters and exact frame counts", () => {
    const p = plan(twoScenes, "ultrafast", 28);
    for (const s of p.scenes) {
      const cmd = s.command;
      expect(cmd.args.slice(0, 5)).toEqual(BASE);
      expect(cmd.args).toContain("-an");
      expect(argAfter(cmd, "-c:v")).toBe("libx264");
      expect(argAfter(cmd, "-preset")).toBe("ultrafast");
      expect(argAfter(cmd, "-crf")).toBe("28");
      expect(argAfter(cmd, "-pix_fmt")).toBe("yuv420p");
      expect(argAfter(cmd, "-r")).toBe("25");
      expect(argAfter(cmd, "-video_track_timescale")).toBe("90000");
      expect(argAfter(cmd, "-frames:v")).toBe(String(s.frames));
      expect(cmd.args).not.toContain("-movflags");
    }
    const strip = (args: string[]) =>
      args.slice(args.indexOf("-map"), -1).filter((a) => a !== "50" && a !== "113");
    expect(strip(p.scenes[0]!.command.args)).toEqual(strip(p.scenes[1]!.command.args));
  });

  it("draws each scene on its own colour (alpha dropped) at the output size and rate", () => {
    const p = plan(twoScenes);
    expect(inputsOf(p.scenes[0]!.command)[0]).toEqual([
      "-f",
      "lavfi",
      "-i",
      "color=c=0xABCDEF:s=1280x720:r=25:d=2",
    ]);
    expect(inputsOf(p.scenes[1]!.command)[0]).toEqual([
      "-f",
      "lavfi",
      "-i",
      "color=c=0x112233:s=1280x720:r=25:d=4.52",
    ]);
    expect(graphOf(p.scenes[1]!.command)).toBe("[0:v]format=yuv420p[vout]");
  });

  it("assembles with concat -c copy from a list file, mapping the mixed audio", () => {
    const p = plan(twoScenes);
    expect(p.assemble.files).toEqual([
      {
        path: `${WORK}/segments.txt`,
        content: `file '${WORK}/segment-0.mp4'\nfile '${WORK}/segment-1.mp4'\n`,
      },
    ]);
    expect(p.assemble.args).toEqual([
      ...BASE,
      "-f",
      "concat",
      "-safe",
      "0",
      "-i",
      `${WORK}/segments.txt`,
      "-i",
      `${WORK}/audio.m4a`,
      "-map",
      "0:v:0",
      "-map",
      "1:a:0",
      "-c",
      "copy",
      "-movflags",
      "+faststart",
      "-t",
      "6.52",
      `${WORK}/output.mp4`,
    ]);
    expect(p.assemble.durationSeconds).toBeCloseTo(6.52, 12);
  });

  it("escapes a quote in the work directory inside the concat list, and keeps paths out of filter graphs", () => {
    const dir = "/tmp/it's here";
    const p = buildRenderPlan(project(twoScenes), SOURCES, {
      workDir: dir,
      encoder: { preset: "veryfast", crf: 23 },
    });
    expect(p.assemble.files[0]?.content).toBe(
      "file '/tmp/it'\\''s here/segment-0.mp4'\nfile '/tmp/it'\\''s here/segment-1.mp4'\n",
    );
    for (const cmd of [...p.scenes.map((s) => s.command), p.audio]) {
      expect(graphOf(cmd)).not.toContain("/tmp");
      expect(graphOf(cmd)).not.toContain("/work");
    }
  });

  it("refuses a relative work dir, which the concat demuxer would resolve against the list's folder", () => {
    expect(() =>
      buildRenderPlan(project(twoScenes), SOURCES, {
        workDir: "job",
        encoder: { preset: "veryfast", crf: 23 },
      }),
    ).toThrow(/absolute/);
  });

  it("takes the poster one second in, or mid-way through a shorter video (seeking half a frame early)", () => {
    const p = plan(twoScenes);
    expect(p.poster.args).toEqual([
      ...BASE,
      "-ss",
      "0.98",
      "-i",
      `${WORK}/segment-0.mp4`,
      "-frames:v",
      "1",
      "-q:v",
      "3",
      `${WORK}/poster.jpg`,
    ]);
    const short = plan({ scenes: [{ duration: 1.2, elements: [{ type: "image", src: IMAGE }] }] });
    expect(argAfter(short.poster, "-ss")).toBe("0.583333");
  });

  it("reads the poster from the segment that holds its frame, at the frame's time in that segment", () => {
    const p = plan({
      fps: 10,
      scenes: [
        { duration: 0.5, elements: [{ type: "image", src: IMAGE }] },
        { duration: 3, elements: [{ type: "image", src: IMAGE }] },
      ],
    });
    // Frame 10 of the video is frame 5 of scene 1's segment.
    expect(p.poster.args.slice(BASE.length, BASE.length + 4)).toEqual([
      "-ss",
      "0.45",
      "-i",
      `${WORK}/segment-1.mp4`,
    ]);
  });

  it.each([
    [1, 1, "0"],
    [30, 0.03, "0"],
    [30, 0.1, "0.016667"],
    [6, 2 / 6, "0.083333"],
    [25, 1.5, "0.74"],
    [2, 3, "0.75"],
  ])("takes the poster from a frame that exists (fps %d, %d s → -ss %s)", (fps, duration, at) => {
    const p = plan({ fps, scenes: [{ duration, elements: [{ type: "image", src: IMAGE }] }] });
    expect(argAfter(p.poster, "-ss")).toBe(at);
    // The first frame at or after the seek is one the video has.
    expect(Math.ceil(Number(at) * p.fps)).toBeLessThanOrEqual(p.totalFrames - 1);
  });

  it("warns once per subtitles element, global and per scene, naming its path", () => {
    const p = plan({
      elements: [{ type: "audio", src: VOICE }, { type: "subtitles" }],
      scenes: [
        { duration: 1, elements: [{ type: "image", src: IMAGE }] },
        {
          duration: 1,
          elements: [
            { type: "image", src: IMAGE },
            { type: "audio", src: VOICE },
            { type: "subtitles", text: "hi" },
          ],
        },
      ],
    });
    expect(p.warnings).toEqual([
      "elements[1]: no word timings were resolved for these captions; the video was rendered without them",
      "scenes[1].elements[2]: no word timings were resolved for these captions; the video was rendered without them",
    ]);
  });

  it("burns resolved captions into their scene's segment only, on top of every layer", () => {
    const body = {
      scenes: [
        { duration: 1, elements: [{ type: "image", src: IMAGE }] },
        {
          duration: 2,
          elements: [
            { type: "image", src: IMAGE },
            { type: "subtitles", settings: { "word-color": "#00ff00" } },
          ],
        },
      ],
    };
    const p = buildRenderPlan(project(body), SOURCES, {
      workDir: WORK,
      encoder: { preset: "veryfast", crf: 23 },
      fontsDir: "/usr/share/fonts/truetype",
      captions: [
        {
          sceneIndex: 1,
          element: "scenes[1].elements[1]",
          words: [{ word: "hi", start: 0.2, end: 0.6 }],
          settings: { word_color: "#00ff00" },
        },
      ],
    });
    expect(p.warnings).toEqual([]);
    expect(graphOf(p.scenes[0]!.command)).not.toContain("subtitles=");
    const graph = graphOf(p.scenes[1]!.command);
    expect(graph).toContain(`subtitles=filename=${WORK}/captions-1-0.ass:fontsdir=/usr/share/fonts/truetype`);
    expect(graph.indexOf("subtitles=")).toBeGreaterThan(graph.lastIndexOf("overlay="));
    const ass = p.scenes[1]!.command.files.find((f) => f.path === `${WORK}/captions-1-0.ass`);
    expect(ass?.content).toContain("PlayResX: 1920");
    expect(ass?.content).toMatch(/Dialogue:.*hi/);
  });

  it("refuses a work directory a filter graph could misread", () => {
    expect(() =>
      buildRenderPlan(
        project({ scenes: [{ duration: 1, elements: [{ type: "image", src: IMAGE }] }] }),
        SOURCES,
        {
          workDir: "/tmp/it's:here",
          encoder: { preset: "veryfast", crf: 23 },
          captions: [{ sceneIndex: 0, element: "x", words: [{ word: "a", start: 0, end: 0.5 }] }],
        },
      ),
    ).toThrow(/unsafe path/);
  });

  it("leaves out (with a warning) a video or image whose source has no picture", () => {
    const p = plan({
      elements: [{ type: "video", src: VOICE }],
      scenes: [{ duration: 1, elements: [{ type: "video", src: VOICE, width: 10, height: 10 }] }],
    });
    expect(inputsOf(p.scenes[0]!.command)).toHaveLength(1);
    expect(p.warnings).toEqual([
      "elements[0]: the source has no picture; it was left out",
      "scenes[0].elements[0]: the source has no picture; it was left out",
    ]);
  });

  it("starts every command with the quiet, non-interactive flags", () => {
    const p = plan(twoScenes);
    for (const cmd of [p.audio, p.assemble, p.poster, ...p.scenes.map((s) => s.command)]) {
      expect(cmd.args.slice(0, 5)).toEqual(BASE);
      expect(cmd.args.at(-1)).toBe(cmd.output);
    }
  });
});
