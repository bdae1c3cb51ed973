import { describe, expect, it } from "vitest";
import { buildTimeline, framesFor } from "../../../functions/core/plan/scene-timeline.js";
import { project, SOURCES, VOICE } from "./plan-fixtures.js";

const scenes = (...s: unknown[]) => ({ scenes: s });
const box = { type: "image", src: "https://example.com/logo.png" };

describe("framesFor", () => {
  it("rounds up to whole frames without adding one for float noise", () => {
    expect(framesFor(2, 30)).toBe(60);
    expect(framesFor(0.1 * 3 * 10, 30)).toBe(90); // 3.0000000000000004 s
    expect(framesFor(2.01, 30)).toBe(61);
    expect(framesFor(1 / 3, 24)).toBe(8);
  });
});

describe("buildTimeline", () => {
  it("frame-aligns each duration and starts each scene where the aligned previous one ended", () => {
    const t = buildTimeline(
      project(
        scenes(
          { duration: 2.01, elements: [box] },
          { duration: 1, elements: [box] },
          { duration: 0.5, elements: [box] },
        ),
      ),
      SOURCES,
    );
    expect(t.scenes.map((s) => s.frames)).toEqual([61, 30, 15]);
    expect(t.scenes.map((s) => s.startFrame)).toEqual([0, 61, 91]);
    expect(t.scenes[1]?.start).toBeCloseTo(61 / 30, 12);
    expect(t.scenes[2]?.start).toBeCloseTo(91 / 30, 12);
    expect(t.scenes[0]?.duration).toBeCloseTo(61 / 30, 12);
    expect(t.totalFrames).toBe(106);
    expect(t.totalDuration).toBeCloseTo(106 / 30, 12);
  });

  it("takes a scene without duration from its longest audio, counting the start offset", () => {
    // voice is 4.5 s: 1 + 4.5 = 5.5 beats 2 s trimmed at offset 3 (= 5).
    const t = buildTimeline(
      project(
        scenes({
          elements: [
            { type: "audio", src: VOICE, start: 1 },
            { type: "audio", src: VOICE, start: 3, duration: 2 },
          ],
        }),
      ),
      SOURCES,
    );
    expect(t.scenes[0]?.frames).toBe(165);
    expect(t.scenes[0]?.duration).toBeCloseTo(5.5, 12);
  });

  it("prefers an explicit duration over the audio", () => {
    const t = buildTimeline(
      project(scenes({ duration: 2, elements: [{ type: "audio", src: VOICE }] })),
      SOURCES,
    );
    expect(t.scenes[0]?.frames).toBe(60);
  });

  it("aligns to the project's fps", () => {
    const t = buildTimeline(project({ fps: 24, scenes: [{ duration: 1.01, elements: [box] }] }), SOURCES);
    expect(t.scenes[0]?.frames).toBe(25);
    expect(t.totalDuration).toBeCloseTo(25 / 24, 12);
  });

  it("fails loudly when the worker did not probe a source", () => {
    expect(() =>
      buildTimeline(
        project(scenes({ elements: [{ type: "audio", src: "https://example.com/nope.mp3" }] })),
        SOURCES,
      ),
    ).toThrow(/scenes\[0\]\.elements\[0\]/);
  });
});
