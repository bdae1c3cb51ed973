import { describe, expect, it } from "vitest";
import { inheritSettings } from "../../../functions/core/captions/caption-settings.js";
import { buildRenderPlan } from "../../../functions/core/plan/build-render-plan.js";
import { InMemoryObjectStore } from "../../../functions/core/ports/in-memory-object-store.js";
import type { SubtitlesElementInput } from "../../../functions/core/schema/request-schema.js";
import { resolveCaptions } from "../../../functions/render/pipeline/resolve-captions.js";
import { IMAGE, project, SOURCES, VOICE, WORK } from "../plan/plan-fixtures.js";

const WORDS = [
  { word: "every", start: 0.1, end: 0.4 },
  { word: "morning", start: 0.5, end: 0.9 },
];
const deps = {
  store: new InMemoryObjectStore(),
  workDir: "/tmp/vc-cascade-unused",
  ffmpegPath: "ffmpeg",
  whisper: { binary: "/nonexistent/whisper-cli", modelPath: "/nonexistent/model.bin", model: "tiny.en" },
  timeoutMs: 1000,
};
const PATHS = new Map([[VOICE, "/work/job-1/src-voice.mp3"]]);

/** The common split: the look on the project's element, only the script on the scene's. */
const LOOK = {
  type: "subtitles",
  settings: { style: "classic", "font-size": 16, position: "center-center", "all-caps": true },
  "outline-width": 3,
};

describe("caption settings cascade from the project to its scenes", () => {
  it("inherits every setting the scene's element does not set, field by field, flat keys or settings alike", () => {
    const projectEl = {
      type: "subtitles",
      font_size: 16,
      settings: { position: "center-center", all_caps: true },
    };
    const sceneEl = { type: "subtitles", text: "hi", word_color: "#ff0000", settings: { font_size: 30 } };
    const merged = inheritSettings(sceneEl as SubtitlesElementInput, projectEl as SubtitlesElementInput);
    expect(merged.settings).toEqual({
      font_size: 30,
      position: "center-center",
      all_caps: true,
      word_color: "#ff0000",
    });
    expect(merged.text).toBe("hi");
  });

  it("captions a scene with its own element once, with the merged settings, and warns about nothing", async () => {
    const p = project({
      elements: [LOOK],
      scenes: [
        {
          elements: [
            { type: "audio", src: VOICE },
            { type: "subtitles", words: WORDS },
          ],
        },
        { duration: 1, elements: [{ type: "image", src: IMAGE }] },
      ],
    });
    const { captions, warnings } = await resolveCaptions(p, SOURCES, PATHS, deps);
    expect(warnings).toEqual([]);
    expect(captions).toEqual([
      {
        sceneIndex: 0,
        element: "scenes[0].elements[1]",
        inherits: "elements[0]",
        words: WORDS,
        settings: {
          style: "classic",
          font_size: 16,
          position: "center-center",
          all_caps: true,
          outline_width: 3,
        },
      },
      // The silent scene: the project's element applies but has nothing to caption.
      expect.objectContaining({ sceneIndex: 1, element: "elements[0]", words: [] }),
    ]);
    const plan = buildRenderPlan(p, SOURCES, {
      workDir: WORK,
      encoder: { preset: "veryfast", crf: 23 },
      captions,
    });
    expect(plan.warnings).toEqual([]);
  });

  it("warns, naming the element and what to do, when a scene's own captions have no narration", async () => {
    const p = project({
      scenes: [
        {
          duration: 1,
          elements: [
            { type: "image", src: IMAGE },
            { type: "subtitles", text: "hello" },
          ],
        },
      ],
    });
    const { captions, warnings } = await resolveCaptions(p, SOURCES, PATHS, deps);
    expect(captions).toEqual([expect.objectContaining({ element: "scenes[0].elements[1]", words: [] })]);
    expect(warnings).toEqual([
      "scenes[0].elements[1]: scene 0 has no captions: the scene has no narration audio; add an audio element, or give the words with their times in words",
    ]);
  });
});
