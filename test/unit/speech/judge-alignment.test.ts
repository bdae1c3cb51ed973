import { describe, expect, it } from "vitest";
import { judgeAlignment, problemSeconds } from "../../../functions/render/speech/judge-alignment.js";
import { repairImplausible } from "../../../functions/render/speech/repair-alignment.js";
import { spreadOverSpeech } from "../../../functions/render/speech/spread-over-speech.js";
import { detectVoiceActivity, voicedSeconds } from "../../../functions/render/speech/voice-activity.js";

const RATE = 16000;

/** PCM with a tone where `sound` says, silence elsewhere, and a little noise everywhere. */
function pcm(seconds: number, sound: [number, number][]) {
  const samples = new Int16Array(Math.round(seconds * RATE));
  let seed = 7;
  for (let i = 0; i < samples.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const t = i / RATE;
    const on = sound.some(([a, b]) => t >= a && t < b);
    samples[i] = (on ? Math.round(8000 * Math.sin(2 * Math.PI * 220 * t)) : 0) + ((seed % 41) - 20);
  }
  return { rate: RATE, samples };
}

describe("voice activity", () => {
  it("finds the stretches of sound, bridging dips shorter than a pause", () => {
    const a = detectVoiceActivity(
      pcm(3, [
        [0.5, 0.9],
        [0.94, 1.2],
        [1.6, 2.1],
      ]),
    );
    expect(a.segments.map((s) => [s.start, s.end].map((x) => Number(x.toFixed(2))))).toEqual([
      [0.5, 1.2],
      [1.6, 2.1],
    ]);
    expect(voicedSeconds(a, 0, 3)).toBeCloseTo(1.16, 1);
    expect(a.duration).toBe(3);
  });
});

describe("plausibility of a decoder pass", () => {
  const activity = detectVoiceActivity(
    pcm(3, [
      [0.2, 0.6],
      [0.8, 1.2],
      [1.5, 2.0],
    ]),
  );

  it("accepts words placed on the sound", () => {
    const words = [
      { start: 0.2, end: 0.6, phones: 4 },
      { start: 0.8, end: 1.2, phones: 4 },
      { start: 1.5, end: 2.0, phones: 5 },
    ];
    expect(judgeAlignment(words, activity)).toEqual([]);
  });

  it("flags words squeezed to the decoder's minimum and the sound they left unexplained", () => {
    // "back and" crammed into the first word's sound; the second word's sound lies in a gap.
    const words = [
      { start: 0.2, end: 0.29, phones: 3 },
      { start: 0.3, end: 0.39, phones: 3 },
      { start: 1.5, end: 2.0, phones: 5 },
    ];
    const problems = judgeAlignment(words, activity);
    expect(problems.map((p) => [p.kind, p.first, p.last])).toEqual([
      ["squeezed", 0, 1],
      ["unexplained-sound", 1, 2],
    ]);
    expect(problemSeconds(problems)).toBeGreaterThan(0.5);
  });

  it("flags a word that starts in the pause before its sound", () => {
    const words = [
      { start: 0.2, end: 0.6, phones: 4 },
      { start: 0.6, end: 1.2, phones: 4 },
      { start: 1.5, end: 2.0, phones: 5 },
    ];
    // The second word's sound begins at 0.8 s: 0.2 s of pause is no more than a stop's closure.
    expect(judgeAlignment(words, activity)).toEqual([]);
    // The third starts 0.3 s before its sound, in the pause.
    words[2] = { start: 1.2, end: 2.0, phones: 5 };
    expect(judgeAlignment(words, activity).map((p) => [p.kind, p.first])).toEqual([["starts-in-pause", 2]]);
  });

  it("flags a word placed in a pause and a word that swallowed its neighbour", () => {
    const inPause = [
      { start: 0.2, end: 0.6, phones: 4 },
      { start: 0.8, end: 1.2, phones: 4 },
      { start: 2.1, end: 2.6, phones: 4 },
    ];
    expect(judgeAlignment(inPause, activity).map((p) => p.kind)).toContain("word-in-silence");
    const swallowed = [
      { start: 0.2, end: 0.3, phones: 2 },
      { start: 0.3, end: 0.4, phones: 2 },
      { start: 0.45, end: 2.0, phones: 2 },
      { start: 2.0, end: 2.1, phones: 2 },
    ];
    expect(judgeAlignment(swallowed, activity).map((p) => p.kind)).toContain("stretched");
  });

  it("re-places the words of an implausible stretch over the sound between its neighbours", () => {
    const words = [
      { start: 0.2, end: 0.29, phones: 3 },
      { start: 0.3, end: 0.39, phones: 3 },
      { start: 1.5, end: 2.0, phones: 5 },
    ];
    const moved = repairImplausible(words, judgeAlignment(words, activity), activity);
    expect(moved).toBeGreaterThan(0);
    expect(words.map((w) => Number(w.start.toFixed(2)))).toEqual([0.2, 0.8, 1.5]);
    expect(judgeAlignment(words, activity)).toEqual([]);
  });
});

describe("spreading words over the sound", () => {
  it("puts a silence between stretches on a word boundary, by expected length", () => {
    const spans = spreadOverSpeech(
      [5, 7, 3, 6],
      [
        { start: 0.5, end: 1.3 },
        { start: 2, end: 2.9 },
      ],
      { start: 0, end: 4 },
    );
    expect(spans.map((s) => [s.start, s.end].map((x) => Number(x.toFixed(2))))).toEqual([
      [0.5, 0.83],
      [0.83, 1.3],
      [2, 2.3],
      [2.3, 2.9],
    ]);
  });

  it("lets one word span a pause inside it, and leaves a stretch no word fits unused", () => {
    const spans = spreadOverSpeech(
      [4, 4],
      [
        { start: 0, end: 0.3 },
        { start: 0.36, end: 0.6 },
        { start: 1, end: 1.5 },
        { start: 3, end: 3.05 },
      ],
      { start: 0, end: 4 },
      { secondsPerUnit: 0.13 },
    );
    expect(spans.map((s) => [s.start, s.end].map((x) => Number(x.toFixed(2))))).toEqual([
      [0, 0.6],
      [1, 1.5],
    ]);
  });

  it("spreads over the whole window when it holds no sound", () => {
    expect(spreadOverSpeech([1, 1], [], { start: 1, end: 2 })).toEqual([
      { start: 1, end: 1.5 },
      { start: 1.5, end: 2 },
    ]);
  });
});
