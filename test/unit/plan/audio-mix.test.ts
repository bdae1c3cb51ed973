import { describe, expect, it } from "vitest";
import {
  argAfter,
  chainOf,
  graphOf,
  IMAGE,
  inputsOf,
  MUSIC,
  plan,
  readsSource,
  SILENT_VIDEO,
  VIDEO,
  VOICE,
  WORK,
} from "./plan-fixtures.js";

describe("audio mix", () => {
  it("delays each scene's audio by the frame-aligned scene start plus its offset, in ms on both channels", () => {
    const p = plan({
      scenes: [
        { duration: 2.01, elements: [{ type: "audio", src: VOICE, start: 0.25 }] },
        { elements: [{ type: "audio", src: VOICE, start: 0.5, volume: 0.4 }] },
      ],
    });
    const g = graphOf(p.audio);
    // scene 1 starts at 61/30 = 2.0333 s
    expect(chainOf(g, 1, "a")).toMatch(/adelay=250\|250\[a1\]$/);
    expect(chainOf(g, 2, "a")).toMatch(/volume=0\.4,adelay=2533\|2533\[a2\]$/);
    expect(chainOf(g, 1, "a")).toContain("volume=1,");
  });

  it("trims to the element's duration and to the scene end, and applies fades", () => {
    const p = plan({
      scenes: [
        {
          duration: 3,
          elements: [
            { type: "audio", src: VOICE, duration: 2, "fade-in": 0.5, "fade-out": 1 },
            { type: "audio", src: VOICE, start: 1 },
          ],
        },
      ],
    });
    const g = graphOf(p.audio);
    expect(chainOf(g, 1, "a")).toMatch(/^\[1:a\]atrim=duration=2,asetpts=PTS-STARTPTS,/);
    expect(chainOf(g, 1, "a")).toContain("afade=t=in:st=0:d=0.5,afade=t=out:st=1:d=1");
    // 4.5 s voice starting at 1 in a 3 s scene: only 2 s fit
    expect(chainOf(g, 2, "a")).toContain("atrim=duration=2,");
  });

  it("mixes without normalisation over a silent bed of the exact total length", () => {
    const p = plan({ scenes: [{ elements: [{ type: "audio", src: VOICE }] }] });
    const g = graphOf(p.audio);
    expect(inputsOf(p.audio)[0]).toEqual(["-f", "lavfi", "-t", "4.5", "-i", "anullsrc=r=48000:cl=stereo"]);
    expect(g).toContain("[0:a][a1]amix=inputs=2:duration=first:normalize=0,");
    expect(g).toMatch(/sample_rates=48000:channel_layouts=stereo\[aout\]$/);
    expect(p.audio.args.slice(-11)).toEqual([
      "-c:a",
      "aac",
      "-b:a",
      "192k",
      "-ar",
      "48000",
      "-ac",
      "2",
      "-t",
      "4.5",
      `${WORK}/audio.m4a`,
    ]);
    expect(p.audio.output).toBe(`${WORK}/audio.m4a`);
    expect(p.audio.durationSeconds).toBe(4.5);
  });

  it("still produces a silent track when nothing is audible", () => {
    const p = plan({ scenes: [{ duration: 2, elements: [{ type: "image", src: IMAGE }] }] });
    expect(inputsOf(p.audio)).toHaveLength(1);
    expect(graphOf(p.audio)).not.toContain("amix");
    expect(argAfter(p.audio, "-map")).toBe("[aout]");
    expect(argAfter(p.audio, "-t")).toBe("2");
  });

  it("leaves out background-video sound by default (volume 0) but keeps placed videos' sound", () => {
    const p = plan({
      elements: [{ type: "video", src: VIDEO }],
      scenes: [
        {
          duration: 2,
          elements: [
            { type: "video", src: VIDEO },
            { type: "video", src: VIDEO, width: 100, height: 100, start: 0.5 },
            { type: "video", src: SILENT_VIDEO, width: 100, height: 100 },
          ],
        },
      ],
    });
    const inputs = inputsOf(p.audio);
    expect(inputs).toHaveLength(2);
    expect(inputs[1]).toEqual(["-stream_loop", "-1", "-t", "1.5", ...readsSource(VIDEO)]);
    expect(chainOf(graphOf(p.audio), 1, "a")).toContain("volume=1,adelay=500|500");
  });

  it("includes a background video's sound when a volume is given", () => {
    const p = plan({
      elements: [{ type: "video", src: VIDEO, volume: 0.5 }],
      scenes: [{ duration: 2, elements: [{ type: "video", src: VIDEO, volume: 0.2 }] }],
    });
    const g = graphOf(p.audio);
    expect(chainOf(g, 1, "a")).toContain("volume=0.5,adelay=0|0");
    expect(chainOf(g, 2, "a")).toContain("volume=0.2,adelay=0|0");
  });

  it("loops background music that is shorter than the video and cuts it at the end", () => {
    const long = plan({
      elements: [{ type: "audio", src: MUSIC, volume: 0.3 }],
      scenes: [{ duration: 10, elements: [{ type: "image", src: IMAGE }] }],
    });
    expect(inputsOf(long.audio)[1]).toEqual(["-t", "10", ...readsSource(MUSIC)]);
    expect(chainOf(graphOf(long.audio), 1, "a")).toContain("volume=0.3,adelay=0|0");
    const short = plan({
      elements: [{ type: "audio", src: VOICE }],
      scenes: [{ duration: 10, elements: [{ type: "image", src: IMAGE }] }],
    });
    expect(inputsOf(short.audio)[1]).toEqual(["-stream_loop", "-1", "-t", "10", ...readsSource(VOICE)]);
  });
});
