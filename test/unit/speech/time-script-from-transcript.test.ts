import { describe, expect, it } from "vitest";
import { alignsAsEnglish } from "../../../functions/render/speech/resolve-word-timings.js";
import {
  matchCharacters,
  syllableCount,
  timeScriptFromTranscript,
} from "../../../functions/render/speech/time-script-from-transcript.js";

const silence = (duration: number, segments: { start: number; end: number }[]) => ({
  frame: 0.01,
  voiced: new Uint8Array(Math.round(duration * 100)),
  segments,
  duration,
});

describe("timing a script in any language", () => {
  it("counts syllables in several writing systems", () => {
    expect(syllableCount("Morgen")).toBe(2);
    expect(syllableCount("Wärter")).toBe(2);
    expect(syllableCount("здравствуйте")).toBe(3);
    expect(syllableCount("你好，")).toBe(2);
    expect(syllableCount("ありがとう")).toBe(5);
    expect(syllableCount("مرحبا")).toBe(2);
    expect(syllableCount("2023")).toBe(6);
    expect(syllableCount("—")).toBe(1);
  });

  it("matches characters in order despite differences", () => {
    const a = [..."jedenmorgensteigt"];
    const b = [..."jedemorgenssteigt"];
    const m = matchCharacters(a, b);
    const matched = [...m].filter((x) => x >= 0).length;
    expect(matched).toBeGreaterThanOrEqual(15);
    for (let i = 1; i < m.length; i++) {
      if ((m[i] ?? -1) >= 0 && (m[i - 1] ?? -1) >= 0) expect(m[i]).toBeGreaterThan(m[i - 1] ?? 0);
    }
  });

  it("takes the times of heard words and spreads the unheard ones between them", () => {
    const tokens = ["Jeden", "Morgen", "steigt", "der", "Wärter", "hinauf."];
    const transcript = [
      { word: "Jeden", start: 0.5, end: 0.8 },
      { word: "Morgen", start: 0.8, end: 1.2 },
      // "steigt der" misheard
      { word: "Kleid", start: 1.3, end: 1.6 },
      { word: "Warter", start: 2.0, end: 2.4 },
      { word: "hinauf", start: 2.5, end: 3.0 },
    ];
    const activity = silence(4, [
      { start: 0.5, end: 1.2 },
      { start: 1.3, end: 1.9 },
      { start: 2.0, end: 3.0 },
    ]);
    const { words, matched } = timeScriptFromTranscript(tokens, transcript, activity);
    expect(matched).toBeCloseTo(4 / 6);
    expect(words.map((w) => w.word)).toEqual(tokens);
    expect(words[0]).toMatchObject({ start: 0.5 });
    expect(words[1]?.start).toBeCloseTo(0.8);
    expect(words[4]?.start).toBeCloseTo(2.0);
    expect(words[5]?.start).toBeCloseTo(2.5);
    // The unheard words share the stretch of sound between their heard neighbours.
    expect(words[2]?.start).toBeCloseTo(1.3);
    expect(words[3]?.start).toBeGreaterThan(1.3);
    expect(words[3]?.end).toBeLessThanOrEqual(2.0);
  });

  it("matches a transcript split differently from the script (Chinese)", () => {
    const tokens = ["今天天气很好，", "我们去公园。"];
    const transcript = [..."今天天气很好我们去公园"].map((c, i) => ({
      word: c,
      start: 1 + i * 0.2,
      end: 1.2 + i * 0.2,
    }));
    const { words, matched } = timeScriptFromTranscript(tokens, transcript, silence(4, []));
    expect(matched).toBe(1);
    expect(words[0]?.start).toBeCloseTo(1);
    expect(words[1]?.start).toBeCloseTo(2.2);
  });

  it("sends English scripts, and unlabelled scripts in the English alphabet, to the English aligner", () => {
    expect(alignsAsEnglish("en", "anything")).toBe(true);
    expect(alignsAsEnglish("auto", "Every morning the keeper climbs 2023 stairs.")).toBe(true);
    expect(alignsAsEnglish("auto", "今天天气很好")).toBe(false);
    expect(alignsAsEnglish("de", "Jeden Morgen")).toBe(false);
  });
});
