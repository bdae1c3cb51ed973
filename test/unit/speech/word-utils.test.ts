import { describe, expect, it } from "vitest";
import { clipWords } from "../../../functions/core/captions/clip-words.js";
import { validateGivenWords } from "../../../functions/core/captions/validate-words.js";
import { offsetWords } from "../../../functions/core/captions/word.js";
import { wavDurationSeconds } from "../../../functions/render/speech/extract-speech-audio.js";
import { resolveWhisperPaths } from "../../../functions/render/speech/whisper-paths.js";

describe("word helpers", () => {
  it("validates given words: ordered, non-overlapping, inside the audio", () => {
    const ok = [
      { word: "a", start: 0, end: 0.5 },
      { word: "b", start: 0.5, end: 1 },
    ];
    expect(validateGivenWords(ok, 1)).toEqual([]);
    const bad = [
      { word: "a", start: 0, end: 0.8 },
      { word: "b", start: 0.5, end: 0.4 },
      { word: "c", start: 1, end: 3 },
    ];
    const problems = validateGivenWords(bad, 2);
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toMatch(
      /words\[1\].*before it starts[\s\S]*words\[1\].*before words\[0\] ends[\s\S]*words\[2\].*after the audio ends/,
    );
  });

  it("offsets and clips words", () => {
    expect(offsetWords([{ word: "a", start: 0, end: 1 }], 2.5)).toEqual([
      { word: "a", start: 2.5, end: 3.5 },
    ]);
    expect(
      clipWords(
        [
          { word: "b", start: 1, end: 5 },
          { word: "a", start: 0, end: 1.5 },
        ],
        3,
      ),
    ).toEqual([
      { word: "a", start: 0, end: 1.5 },
      { word: "b", start: 1.5, end: 3 },
    ]);
  });

  it("reads a WAV's duration from its chunks", () => {
    const header = Buffer.alloc(44 + 32000);
    header.write("RIFF", 0);
    header.write("WAVE", 8);
    header.write("fmt ", 12);
    header.writeUInt32LE(16, 16);
    header.writeUInt32LE(32000, 28); // byte rate
    header.write("data", 36);
    header.writeUInt32LE(32000, 40);
    expect(wavDurationSeconds(header)).toBe(1);
  });

  it("resolves whisper paths: env first, then the checkout's build/cache, then the image", () => {
    const none = () => false;
    const local = resolveWhisperPaths("base.en", {}, { projectRoot: "/repo", exists: none });
    expect(local).toEqual({
      binary: "/repo/.cache/whisper/build/bin/whisper-cli",
      modelPath: "/repo/.cache/whisper/models/ggml-base.en.bin",
      model: "base.en",
    });
    const image = resolveWhisperPaths(
      "tiny.en",
      {},
      { projectRoot: "/repo", exists: (p) => p.startsWith("/opt/") },
    );
    expect(image.binary).toBe("/opt/whisper/whisper-cli");
    expect(image.modelPath).toBe("/opt/whisper/models/ggml-tiny.en.bin");
    const env = resolveWhisperPaths(
      "tiny.en",
      { VIDEOCRAFT_WHISPER_BIN: "/x/cli", VIDEOCRAFT_WHISPER_MODEL_PATH: "/m.bin" },
      { exists: none },
    );
    expect(env).toMatchObject({ binary: "/x/cli", modelPath: "/m.bin" });
  });
});
