import { describe, expect, it } from "vitest";
import {
  argAfter,
  chainOf,
  graphOf,
  IMAGE,
  inputsOf,
  plan,
  readsSource,
  SILENT_VIDEO,
  VIDEO,
} from "./plan-fixtures.js";

describe("scene video layer", () => {
  it("shows the clip in its window: shifted timestamps, enable between(t,start,end), eof pass", () => {
    const p = plan({
      scenes: [
        {
          duration: 5,
          elements: [{ type: "video", src: VIDEO, width: 320, height: 180, start: 1, duration: 2 }],
        },
      ],
    });
    const cmd = p.scenes[0]!.command;
    const g = graphOf(cmd);
    expect(chainOf(g, 1)).toContain("setpts=PTS-STARTPTS+1/TB");
    expect(g).toContain("[0:v][l1]overlay=x=0:y=0:enable='between(t,1,3)':eof_action=pass[s1]");
    expect(inputsOf(cmd)[1]).toEqual(["-stream_loop", "-1", "-t", "2", ...readsSource(VIDEO)]);
  });

  it("defaults to the full frame at x,y with cover, looping, for the rest of the scene", () => {
    const p = plan({
      width: 640,
      height: 360,
      scenes: [{ duration: 4, elements: [{ type: "video", src: VIDEO, start: 1.5 }] }],
    });
    const cmd = p.scenes[0]!.command;
    expect(chainOf(graphOf(cmd), 1)).toMatch(
      /^\[1:v\]scale=640:360:force_original_aspect_ratio=increase,crop=640:360,setsar=1/,
    );
    expect(graphOf(cmd)).toContain("enable='between(t,1.5,4)'");
    expect(inputsOf(cmd)[1]).toEqual(["-stream_loop", "-1", "-t", "2.5", ...readsSource(VIDEO)]);
  });

  it("keeps the source aspect when only one side is given", () => {
    // 1280x720 source, width 320 -> height 180
    const p = plan({
      scenes: [{ duration: 1, elements: [{ type: "video", src: VIDEO, width: 320, x: 5, y: 7 }] }],
    });
    const g = graphOf(p.scenes[0]!.command);
    expect(chainOf(g, 1)).toContain("crop=320:180");
    expect(g).toContain("overlay=x=5:y=7:");
  });

  it("with loop false, reads the clip once and still bounds it with -t", () => {
    const p = plan({
      scenes: [{ duration: 5, elements: [{ type: "video", src: SILENT_VIDEO, loop: false }] }],
    });
    expect(inputsOf(p.scenes[0]!.command)[1]).toEqual(["-t", "5", ...readsSource(SILENT_VIDEO)]);
  });

  it("clips a window that would run past the scene end", () => {
    const p = plan({
      scenes: [{ duration: 3, elements: [{ type: "video", src: VIDEO, start: 2, duration: 5 }] }],
    });
    const cmd = p.scenes[0]!.command;
    expect(graphOf(cmd)).toContain("enable='between(t,2,3)'");
    expect(argAfter({ ...cmd, args: inputsOf(cmd)[1]! }, "-t")).toBe("1");
  });

  it("fades the alpha in at start and out before the end of what plays", () => {
    const p = plan({
      scenes: [
        {
          duration: 6,
          elements: [
            { type: "video", src: SILENT_VIDEO, loop: false, start: 1, "fade-in": 0.5, "fade-out": 1 },
          ],
        },
      ],
    });
    const chain = chainOf(graphOf(p.scenes[0]!.command), 1);
    // the 3 s clip plays from 1 to 4 (not to the scene's 6): the fade-out ends with it
    expect(chain).toContain("format=yuva420p,fade=t=in:st=1:d=0.5:alpha=1,fade=t=out:st=3:d=1:alpha=1");
    expect(chain.indexOf("setpts=")).toBeLessThan(chain.indexOf("fade="));
  });
});

describe("global background video", () => {
  it("continues across scenes: the 2nd scene seeks to its start modulo the clip length", () => {
    // clip is 5 s; scene 0 lasts 3.5 s, scene 1 starts at 3.5, scene 2 at 7.5 -> 2.5 into the clip
    const p = plan({
      elements: [{ type: "video", src: VIDEO }],
      scenes: [
        { duration: 3.5, elements: [{ type: "image", src: IMAGE }] },
        { duration: 4, elements: [{ type: "image", src: IMAGE }] },
        { duration: 1, elements: [{ type: "image", src: IMAGE }] },
      ],
    });
    const bg = (i: number) => inputsOf(p.scenes[i]!.command)[1];
    expect(bg(0)).toEqual(["-stream_loop", "-1", "-t", "3.5", ...readsSource(VIDEO)]);
    expect(bg(1)).toEqual(["-stream_loop", "-1", "-ss", "3.5", "-t", "4", ...readsSource(VIDEO)]);
    expect(bg(2)).toEqual(["-stream_loop", "-1", "-ss", "2.5", "-t", "1", ...readsSource(VIDEO)]);
    const g = graphOf(p.scenes[1]!.command);
    expect(chainOf(g, 1)).toContain("scale=1920:1080:force_original_aspect_ratio=increase,crop=1920:1080");
    expect(g).toContain("[0:v][l1]overlay=x=0:y=0:enable='between(t,0,4)':eof_action=pass");
  });

  it("uses the frame-aligned scene start for the offset", () => {
    const p = plan({
      elements: [{ type: "video", src: VIDEO }],
      scenes: [
        { duration: 2.01, elements: [{ type: "image", src: IMAGE }] },
        { duration: 1, elements: [{ type: "image", src: IMAGE }] },
      ],
    });
    expect(inputsOf(p.scenes[1]!.command)[1]).toContain("2.033333");
  });
});

describe("image layer", () => {
  it("is decoded once (no -loop) at natural size when no size is given, in its window", () => {
    const p = plan({
      scenes: [{ duration: 4, elements: [{ type: "image", src: IMAGE, x: 3, y: 4, start: 1, duration: 2 }] }],
    });
    const cmd = p.scenes[0]!.command;
    expect(inputsOf(cmd)[1]).toEqual([...readsSource(IMAGE)]);
    expect(cmd.args).not.toContain("-loop");
    const g = graphOf(cmd);
    expect(chainOf(g, 1)).toBe("[1:v]setsar=1,setpts=PTS-STARTPTS+1/TB[l1]");
    // repeat (overlay's default) keeps the single frame on screen
    expect(g).toContain("[0:v][l1]overlay=x=3:y=4:enable='between(t,1,3)'[s1]");
  });

  it("keeps the picture's aspect when only the height is given", () => {
    const p = plan({ scenes: [{ duration: 1, elements: [{ type: "image", src: IMAGE, height: 50 }] }] });
    expect(chainOf(graphOf(p.scenes[0]!.command), 1)).toContain("crop=100:50");
  });
});
