import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
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
const GAPS = [0.08, 0.15, 0.25, 0.12, 0.3];
const LEAD = 0.4;

interface Pcm {
  rate: number;
  samples: Int16Array;
}

function readWav(bytes: Buffer): Pcm {
  let rate = 0;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = bytes.toString("latin1", at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === "fmt ") rate = bytes.readUInt32LE(at + 12);
    if (id === "data") {
      const n = Math.min(size, bytes.length - at - 8) >> 1;
      const samples = new Int16Array(n);
      for (let i = 0; i < n; i++) samples[i] = bytes.readInt16LE(at + 8 + 2 * i);
      return { rate, samples };
    }
    // espeak-ng writes 0xFFFFFFFF sizes when streaming; its data chunk follows fmt directly.
    at += 8 + (size > bytes.length ? 0 : size + (size % 2));
  }
  throw new Error("no data chunk");
}

function writeWav(pcm: Pcm): Buffer {
  const data = Buffer.alloc(pcm.samples.length * 2);
  pcm.samples.forEach((s, i) => {
    data.writeInt16LE(s, 2 * i);
  });
  const h = Buffer.alloc(44);
  h.write("RIFF", 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write("WAVE", 8);
  h.write("fmt ", 12);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(pcm.rate, 24);
  h.writeUInt32LE(pcm.rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** The word's samples without the silence espeak puts around it. */
function trimSilence(s: Int16Array, threshold = 300): Int16Array {
  let a = 0;
  let b = s.length - 1;
  while (a < s.length && Math.abs(s[a] ?? 0) < threshold) a++;
  while (b > a && Math.abs(s[b] ?? 0) < threshold) b--;
  return s.subarray(a, b + 1);
}

let dir: string;
let wav16: string;
const truth: { word: string; start: number }[] = [];
let duration = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-align-"));
  const tokens = SCRIPT.split(" ");
  const spoken: Pcm[] = [];
  for (const [i, token] of tokens.entries()) {
    const path = join(dir, `w${i}.wav`);
    await run("espeak-ng", ["-v", "en-us", "-s", "160", "-w", path, token.replace(/[^\p{L}']/gu, "")]);
    spoken.push(readWav(await readFile(path)));
  }
  const rate = spoken[0]?.rate ?? 22050;
  const parts: Int16Array[] = [new Int16Array(Math.round(LEAD * rate))];
  let at = LEAD;
  spoken.forEach((pcm, i) => {
    const word = trimSilence(pcm.samples);
    truth.push({ word: tokens[i] ?? "", start: at });
    parts.push(word);
    const gap = GAPS[i % GAPS.length] ?? 0.1;
    parts.push(new Int16Array(Math.round(gap * rate)));
    at += word.length / rate + Math.round(gap * rate) / rate;
  });
  parts.push(new Int16Array(Math.round(0.5 * rate)));
  const all = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  const source = join(dir, "narration.wav");
  await writeFile(source, writeWav({ rate, samples: all }));
  wav16 = join(dir, "speech.wav");
  await extractSpeechAudio(source, wav16, { ffmpegPath: "ffmpeg" });
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
    const errors = result.words.map((w, i) => ({
      word: w.word,
      error: Math.abs(w.start - (truth[i]?.start ?? 0)),
    }));
    const mean = errors.reduce((a, e) => a + e.error, 0) / errors.length;
    const max = Math.max(...errors.map((e) => e.error));
    console.log(
      `alignment: ${errors.length} words, mean word-start error ${(mean * 1000).toFixed(0)} ms, max ${(max * 1000).toFixed(0)} ms; ` +
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

  it("aligns continuous speech and resolves a subtitles element's text through the cache", async () => {
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
    const again = await resolveWordTimings(element, { path: source, offset: 2 }, deps);
    expect(again).toMatchObject({ cached: true, words: resolved.words });
  });
});
