import { describe, expect, it } from "vitest";
import { JobFailure } from "../../../functions/core/errors.js";
import { parseWhisperJson } from "../../../functions/render/speech/transcribe-whisper.js";

const seg = (from: number, to: number, text: string) => ({ offsets: { from, to }, text });
const json = (...segments: ReturnType<typeof seg>[]) => JSON.stringify({ transcription: segments });

describe("parseWhisperJson (-ml 1 -sow -ojf output)", () => {
  it("turns one-word segments into words in seconds", () => {
    expect(
      parseWhisperJson(json(seg(0, 10, ""), seg(10, 410, " Hello"), seg(410, 900, " world")), 5),
    ).toEqual([
      { word: "Hello", start: 0.01, end: 0.41 },
      { word: "world", start: 0.41, end: 0.9 },
    ]);
  });

  it("skips non-speech markers and joins punctuation-only segments to the word before", () => {
    const words = parseWhisperJson(
      json(
        seg(0, 500, " [BLANK_AUDIO]"),
        seg(500, 900, " Hi"),
        seg(900, 920, ","),
        seg(920, 1300, " there"),
        seg(1300, 1300, "."),
      ),
      5,
    );
    expect(words.map((w) => w.word)).toEqual(["Hi,", "there."]);
  });

  it("shares a multi-word segment by characters", () => {
    expect(parseWhisperJson(json(seg(0, 1000, " ab abc")), 5).map((w) => [w.word, w.start, w.end])).toEqual([
      ["ab", 0, 0.4],
      ["abc", 0.4, 1],
    ]);
  });

  it("keeps words ordered, non-overlapping and inside the audio", () => {
    const words = parseWhisperJson(
      json(seg(0, 800, " a"), seg(500, 1200, " b"), seg(2500, 30000, " c"), seg(3000, 3000, " d")),
      2.8,
    );
    expect(words).toEqual([
      { word: "a", start: 0, end: 0.8 },
      { word: "b", start: 0.8, end: 1.2 },
      { word: "c", start: 2.5, end: 2.8 },
    ]);
  });

  it("fails with TRANSCRIPTION_FAILED on output that is not whisper JSON", () => {
    expect(() => parseWhisperJson("{oops", 1)).toThrow(JobFailure);
    expect(() => parseWhisperJson("{}", 1)).toThrow(/no transcription/);
  });
});
