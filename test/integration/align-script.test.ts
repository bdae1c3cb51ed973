import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InMemoryObjectStore } from "../../functions/core/ports/in-memory-object-store.js";
import { alignScript } from "../../functions/render/speech/align-script.js";
import {
  extractSpeechAudio,
  wavDurationSeconds,
} from "../../functions/render/speech/extract-speech-audio.js";
import { resolveWordTimings } from "../../functions/render/speech/resolve-word-timings.js";
import { buildGroundTruth, type GroundTruth, startErrors } from "../support/speech-ground-truth.js";

const run = promisify(execFile);

/**
 * Alignment accuracy against a known truth: espeak-ng speaks each word of the script on its own,
 * the words' silent edges are trimmed and they are joined with known gaps, so every word's true
 * start is known to the sample. "Zorblax" is not in the pronunciation dictionary (its pronunciation
 * is guessed from the spelling); it counts in the error figures like every other word.
 */
const SCRIPT =
  "Every morning the old keeper climbs Zorblax tower to light the lamp, before the fishing boats return from the sea.";
const OOV = "Zorblax";

let dir: string;
let wav16: string;
let truth: GroundTruth["truth"];
let duration = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-align-"));
  const joined = await buildGroundTruth(
    {
      name: "joined words",
      pieces: SCRIPT.split(" ").map((w) => ({ voice: "en-us", rate: 160, tokens: [w] })),
      gaps: [0.08, 0.15, 0.25, 0.12, 0.3],
    },
    dir,
  );
  truth = joined.truth;
  wav16 = join(dir, "speech.wav");
  await extractSpeechAudio(joined.wavPath, wav16, { ffmpegPath: "ffmpeg" });
  duration = wavDurationSeconds(await readFile(wav16));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("forced alignment of a known script (pocketsphinx)", () => {
  it("finds word starts within 80 ms on average and 300 ms at most, and keeps the user's text", async () => {
    const t0 = performance.now();
    const result = await alignScript(wav16, SCRIPT, {
      workDir: dir,
      audioDuration: duration,
      timeoutMs: 60_000,
    });
    const seconds = (performance.now() - t0) / 1000;

    expect(result.words.map((w) => w.word)).toEqual(SCRIPT.split(" "));
    const { mean, max, counted } = startErrors(result.words, truth);
    expect(counted).toBe(truth.length);
    console.log(
      `alignment: ${counted} words, mean word-start error ${(mean * 1000).toFixed(0)} ms, max ${(max * 1000).toFixed(0)} ms; ` +
        `${seconds.toFixed(2)} s for ${duration.toFixed(1)} s of audio (${((seconds / duration) * 60).toFixed(2)} s per audio minute)`,
    );
    expect(mean).toBeLessThanOrEqual(0.08);
    expect(max).toBeLessThanOrEqual(0.3);

    // Ordered and non-overlapping.
    result.words.forEach((w, i) => {
      expect(w.end).toBeGreaterThanOrEqual(w.start);
      if (i > 0) expect(w.start).toBeGreaterThanOrEqual(result.words[i - 1]?.end ?? 0);
    });
    expect(result.warnings.join(" ")).toContain(OOV);
  });

  it("gives the out-of-vocabulary word a time between its neighbours", async () => {
    const { words } = await alignScript(wav16, SCRIPT, {
      workDir: dir,
      audioDuration: duration,
      timeoutMs: 60_000,
    });
    const i = words.findIndex((w) => w.word === OOV);
    const [prev, oov, next] = [words[i - 1], words[i], words[i + 1]];
    expect(prev && oov && next).toBeTruthy();
    expect(oov?.start).toBeGreaterThan(prev?.start ?? 0);
    expect(oov?.start).toBeLessThan(next?.start ?? 0);
    expect(oov?.end).toBeGreaterThan(oov?.start ?? 0);
  });

  it("aligns continuous speech and resolves a subtitles element's text through the cache, recording the pass", async () => {
    const text =
      "From the top he can see the fishing boats leave the harbour, one after another, while the gulls circle above.";
    const source = join(dir, "continuous.wav");
    await run("espeak-ng", ["-v", "en-us", "-s", "160", "-w", source, text]);
    const store = new InMemoryObjectStore();
    const deps = {
      store,
      workDir: dir,
      ffmpegPath: "ffmpeg",
      whisper: { binary: "/nonexistent/whisper-cli", modelPath: "/nonexistent/model.bin", model: "base.en" },
      timeoutMs: 60_000,
    };
    const element = { type: "subtitles" as const, text };
    const resolved = await resolveWordTimings(element, { path: source, offset: 2 }, deps);
    expect(resolved).toMatchObject({ engine: "pocketsphinx", cached: false, warnings: [] });
    expect(resolved.words.map((w) => w.word)).toEqual(text.split(" "));
    // Every word was recognised (none spread evenly) and the scene offset is applied.
    expect(resolved.words[0]?.start).toBeGreaterThanOrEqual(2);
    expect(resolved.words[0]?.start).toBeLessThan(2.3);
    resolved.words.forEach((w, i) => {
      if (i > 0) expect(w.start).toBeGreaterThan(resolved.words[i - 1]?.start ?? 0);
    });
    // The cache entry says which decoder pass won and what the plausibility check found.
    const entry = JSON.parse((await store.getText(resolved.cacheKey ?? "")) ?? "{}");
    expect(entry.alignment).toMatchObject({ pass: "narrow", repaired: 0 });
    expect(entry.alignment.passes[0]).toMatchObject({ name: "narrow", words: 20, problems: 0 });
    const again = await resolveWordTimings(element, { path: source, offset: 2 }, deps);
    expect(again).toMatchObject({ cached: true, words: resolved.words });
  });
});
