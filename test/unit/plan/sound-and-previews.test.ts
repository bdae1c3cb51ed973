import { describe, expect, it } from "vitest";
import { duckingFilters } from "../../../functions/core/plan/ducking.js";
import {
  loudnessApplyCommand,
  loudnessMeasureArgs,
  loudnessPlan,
  parseLoudnessMeasurement,
} from "../../../functions/core/plan/loudness.js";
import { argAfter, chainOf, graphOf, IMAGE, MUSIC, plan, project, VOICE, WORK } from "./plan-fixtures.js";

const BASE = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error"];

/** Two narrated scenes (4.5 s of voice each, the second starting 1 s in) under music. */
const narrated = (music: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  fps: 25,
  elements: [{ type: "audio", src: MUSIC, volume: 0.5, ...music }],
  scenes: [
    { duration: 6, elements: [{ type: "audio", src: VOICE }] },
    { duration: 6, elements: [{ type: "audio", src: VOICE, start: 1 }] },
  ],
  ...extra,
});

describe("ducking", () => {
  it("lowers the music by amount_db over the narration, from attack before it to release after it", () => {
    expect(duckingFilters([{ start: 2, end: 5 }], 0, { amountDb: 12, attack: 0.5, release: 1 })).toEqual([
      "asetnsamples=n=256:p=0",
      "volume='pow(10,-12*(min(clip((t-1.5)/0.5,0,1),clip((6-t)/1,0,1)))/20)':eval=frame",
    ]);
  });

  it("merges windows closer than a ramp down and up, and measures time from the track's start", () => {
    const [, volume] = duckingFilters(
      [
        { start: 10, end: 12 },
        { start: 2, end: 4 },
        { start: 4.5, end: 6 },
      ],
      1,
      { amountDb: 6, attack: 0.3, release: 0.6 },
    );
    expect(volume).toBe(
      "volume='pow(10,-6*(min(clip((t-0.7)/0.3,0,1),clip((5.6-t)/0.6,0,1))+min(clip((t-8.7)/0.3,0,1),clip((11.6-t)/0.6,0,1)))/20)':eval=frame",
    );
  });

  it("ducks only music that asks for it, under the scenes' narration windows", () => {
    const ducked = plan(narrated({ ducking: { amount_db: 10, attack: 0.2, release: 0.4 } }));
    // The mix's inputs: 1 the music, 2 and 3 the voices (scene 1's starts at 6 + 1 s).
    expect(chainOf(graphOf(ducked.audio), 1, "a")).toContain(
      "volume='pow(10,-10*(min(clip((t+0.2)/0.2,0,1),clip((4.9-t)/0.4,0,1))+min(clip((t-6.8)/0.2,0,1),clip((11.9-t)/0.4,0,1)))/20)':eval=frame",
    );
    const plain = plan(narrated({}));
    expect(graphOf(plain.audio)).not.toContain("eval=frame");
    expect(graphOf(plan(narrated({ ducking: true })).audio)).toContain("pow(10,-12*");
  });

  it("is refused on a scene's own audio (narration is not ducked)", () => {
    expect(() => project({ scenes: [{ elements: [{ type: "audio", src: VOICE, ducking: true }] }] })).toThrow(
      /ducking applies to background music/,
    );
  });

  it("keeps fade_in/fade_out on music and narration", () => {
    const p = plan(narrated({ fade_in: 1.5, fade_out: 2 }));
    const music = chainOf(graphOf(p.audio), 1, "a");
    expect(music).toContain("afade=t=in:st=0:d=1.5");
    expect(music).toContain("afade=t=out:st=10:d=2");
  });
});

describe("loudness", () => {
  it("is off unless asked: the assembly muxes the mix itself", () => {
    const p = plan(narrated({}));
    expect(p.loudness).toBeUndefined();
    expect(p.assemble.args).toContain(`${WORK}/audio.m4a`);
    expect(plan(narrated({}, { loudness: false })).loudness).toBeUndefined();
  });

  it("normalises the mix in a second pass that the assembly muxes instead", () => {
    const p = plan(narrated({}, { loudness: -16 }));
    expect(p.loudness).toEqual({
      target: -16,
      truePeak: -1.5,
      range: 11,
      input: `${WORK}/audio.m4a`,
      output: `${WORK}/audio-loudness.m4a`,
      durationSeconds: 12,
    });
    expect(p.assemble.args).toContain(`${WORK}/audio-loudness.m4a`);
    expect(p.assemble.args).not.toContain(`${WORK}/audio.m4a`);
  });

  it("measures, then applies the measurement linearly (golden arguments)", () => {
    const lp = loudnessPlan(-14, "/w/audio.m4a", "/w/loud.m4a", 10);
    expect(loudnessMeasureArgs(lp)).toEqual([
      "-hide_banner",
      "-nostdin",
      "-i",
      "/w/audio.m4a",
      "-af",
      "loudnorm=I=-14:TP=-1.5:LRA=11:print_format=json",
      "-f",
      "null",
      "-",
    ]);
    const log = `[Parsed_loudnorm_0 @ 0x1] \n{\n\t"input_i" : "-27.61",\n\t"input_tp" : "-9.02",\n\t"input_lra" : "4.30",\n\t"input_thresh" : "-37.93",\n\t"output_i" : "-14.2",\n\t"output_tp" : "-1.5",\n\t"output_lra" : "3.9",\n\t"output_thresh" : "-24.5",\n\t"normalization_type" : "linear",\n\t"target_offset" : "0.21"\n}\n`;
    const measured = parseLoudnessMeasurement(log);
    expect(measured).toEqual({
      inputI: -27.61,
      inputTp: -9.02,
      inputLra: 4.3,
      inputThresh: -37.93,
      targetOffset: 0.21,
    });
    expect(loudnessApplyCommand(lp, measured).args).toEqual([
      ...BASE,
      "-i",
      "/w/audio.m4a",
      "-af",
      "loudnorm=I=-14:TP=-1.5:LRA=11:measured_I=-27.61:measured_TP=-9.02:measured_LRA=4.3:measured_thresh=-37.93:offset=0.21:linear=true,aresample=48000",
      ...["-aac_coder", "fast", "-c:a", "aac", "-b:a", "192k", "-ar", "48000", "-ac", "2"],
      "/w/loud.m4a",
    ]);
  });

  it("copies silence (or a log without statistics) as it is", () => {
    const lp = loudnessPlan(-14, "/w/a.m4a", "/w/b.m4a", 3);
    expect(parseLoudnessMeasurement("no json here")).toBeUndefined();
    const silent = {
      inputI: Number.NEGATIVE_INFINITY,
      inputTp: -99,
      inputLra: 0,
      inputThresh: -70,
      targetOffset: 0,
    };
    expect(loudnessApplyCommand(lp, undefined).args.slice(5)).toEqual([
      "-i",
      "/w/a.m4a",
      "-c:a",
      "copy",
      "/w/b.m4a",
    ]);
    expect(loudnessApplyCommand(lp, silent).args).toContain("copy");
  });
});

describe("previews", () => {
  const still = (output?: unknown) => ({
    width: 640,
    height: 360,
    scenes: [{ duration: 5, elements: [{ type: "image", src: IMAGE }] }],
    ...(output ? { output } : {}),
  });

  it("makes a poster and no GIF unless asked", () => {
    const p = plan(still());
    expect(p.posterWanted).toBe(true);
    expect(p.gifPreview).toBeUndefined();
    expect(plan(still({ poster: false })).posterWanted).toBe(false);
  });

  it("makes a GIF of the first seconds with one palette (golden arguments)", () => {
    const p = plan(still({ gif_preview: { seconds: 2, width: 240 } }));
    expect(p.gifPreview?.args).toEqual([
      ...BASE,
      "-t",
      "2",
      "-i",
      `${WORK}/output.mp4`,
      "-filter_complex",
      "[0:v]fps=10,scale=240:-2:flags=lanczos,split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=3",
      "-loop",
      "0",
      `${WORK}/preview.gif`,
    ]);
    expect(argAfter(plan(still({ gif_preview: true })).gifPreview!, "-t")).toBe("3");
    expect(argAfter(plan(still({ gif_preview: { seconds: 15 } })).gifPreview!, "-t")).toBe("5");
  });
});
