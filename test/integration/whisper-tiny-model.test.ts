import { execFile } from "node:child_process";
import { access, copyFile, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobFailure } from "../../functions/core/errors.js";
import { InMemoryObjectStore } from "../../functions/core/ports/in-memory-object-store.js";
import {
  extractSpeechAudio,
  wavDurationSeconds,
} from "../../functions/render/speech/extract-speech-audio.js";
import { resolveWordTimings } from "../../functions/render/speech/resolve-word-timings.js";
import { transcribeWhisper } from "../../functions/render/speech/transcribe-whisper.js";
import { resolveWhisperPaths } from "../../functions/render/speech/whisper-paths.js";
import {
  ensureTinyWhisperModel,
  TEST_MODEL_WORDS,
  TEST_MULTILINGUAL_MODEL_DIMS,
} from "../support/tiny-whisper-model.js";

const run = promisify(execFile);

/**
 * The real whisper.cpp binary (built by scripts/build-whisper.sh, which CI runs before the tests)
 * on a generated random-weight model in whisper's real ggml layout. Nothing is skipped: without the
 * binary this fails and says how to build it.
 */
const paths = resolveWhisperPaths("tiny.en", process.env);
let dir: string;
let narration: string;
let wav: string;
let duration: number;
let model: string;

beforeAll(async () => {
  await access(paths.binary).catch(() => {
    throw new Error(`whisper-cli is missing at ${paths.binary}: run \`bash scripts/build-whisper.sh\` first`);
  });
  dir = await mkdtemp(join(tmpdir(), "vc-whisper-"));
  model = await ensureTinyWhisperModel();
  narration = join(dir, "narration.wav");
  await run("espeak-ng", [
    "-v",
    "en-us",
    "-s",
    "160",
    "-w",
    narration,
    "The keeper climbs the stairs every morning.",
  ]);
  wav = join(dir, "speech.wav");
  await extractSpeechAudio(narration, wav, { ffmpegPath: "ffmpeg", duration: 3 });
  duration = wavDurationSeconds(await readFile(wav));
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("whisper.cpp with a generated tiny model", () => {
  it("loads the model, runs the real binary and parses ordered words inside the audio", async () => {
    expect((await stat(model)).size).toBeGreaterThan(1_000_000);
    expect(duration).toBeGreaterThan(2);
    expect(duration).toBeLessThanOrEqual(3.01);
    const t0 = performance.now();
    const { words } = await transcribeWhisper(wav, {
      binary: paths.binary,
      modelPath: model,
      workDir: dir,
      audioDuration: duration,
      timeoutMs: 60_000,
    });
    console.log(
      `whisper.cpp (test model): ${words.length} words in ${((performance.now() - t0) / 1000).toFixed(2)} s: ` +
        words.map((w) => `${w.word}@${w.start.toFixed(2)}-${w.end.toFixed(2)}`).join(" "),
    );
    // The generated model says its fixed words in its first window: the parser saw real output.
    expect(words.map((w) => w.word).slice(0, TEST_MODEL_WORDS.length)).toEqual([...TEST_MODEL_WORDS]);
    words.forEach((w, i) => {
      expect(w.start).toBeGreaterThanOrEqual(0);
      expect(w.end).toBeGreaterThan(w.start);
      expect(w.end).toBeLessThanOrEqual(duration);
      if (i > 0) expect(w.start).toBeGreaterThanOrEqual(words[i - 1]?.end ?? 0);
    });
  });

  it("resolves a subtitles element without text through whisper, caches the result and offsets it into the scene", async () => {
    const store = new InMemoryObjectStore();
    const deps = {
      store,
      workDir: dir,
      ffmpegPath: "ffmpeg",
      whisper: { ...paths, modelPath: model },
      timeoutMs: 60_000,
    };
    const element = { type: "subtitles" as const };
    const audio = { path: narration, offset: 1.5, duration: 3 };
    const first = await resolveWordTimings(element, audio, deps);
    expect(first).toMatchObject({ engine: "whisper", cached: false });
    expect(first.cacheKey).toMatch(/^cache\/words\/[0-9a-f]{64}\.json$/);
    expect(first.words[0]?.word).toBe("alpha");
    expect(first.words[0]?.start).toBeGreaterThanOrEqual(1.5);
    expect(await store.getText(first.cacheKey ?? "")).toContain('"engine":"whisper"');

    const again = await resolveWordTimings(element, audio, deps);
    expect(again).toMatchObject({ cached: true, cacheKey: first.cacheKey, words: first.words });
  });

  it("keys cached words on the model file's content: another model is not served the first one's words", async () => {
    const store = new InMemoryObjectStore();
    const deps = (modelPath: string) => ({
      store,
      workDir: dir,
      ffmpegPath: "ffmpeg",
      whisper: { ...paths, modelPath },
      timeoutMs: 60_000,
    });
    const element = { type: "subtitles" as const };
    const audio = { path: narration, offset: 0, duration: 3 };
    const first = await resolveWordTimings(element, audio, deps(model));
    expect(first.cached).toBe(false);
    // The same model name, another file: a multilingual model.
    const other = await ensureTinyWhisperModel(TEST_MULTILINGUAL_MODEL_DIMS);
    const second = await resolveWordTimings(element, audio, deps(other));
    expect(second.cached).toBe(false);
    expect(second.cacheKey).not.toBe(first.cacheKey);
    // The same content at another path is the same model.
    const copy = join(dir, "same-model-elsewhere.bin");
    await copyFile(model, copy);
    expect(await resolveWordTimings(element, audio, deps(copy))).toMatchObject({
      cached: true,
      cacheKey: first.cacheKey,
    });
    // A missing model never returns cached words: the job fails and says how to get a model.
    const missing = await resolveWordTimings(element, audio, deps(join(dir, "gone.bin"))).catch(
      (e: unknown) => e,
    );
    expect(missing).toMatchObject({ code: "TRANSCRIPTION_FAILED" });
    expect((missing as Error).message).toContain("no whisper model at");
  });

  it("passes the language to whisper (-l), auto-detects by default and reports what it used", async () => {
    const multilingual = await ensureTinyWhisperModel(TEST_MULTILINGUAL_MODEL_DIMS);
    const run = (modelPath: string, language?: string) =>
      transcribeWhisper(wav, {
        binary: paths.binary,
        modelPath,
        workDir: dir,
        audioDuration: duration,
        timeoutMs: 60_000,
        ...(language ? { language } : {}),
      });
    const german = await run(multilingual, "de");
    expect(german.language).toBe("de");
    expect(german.words.map((w) => w.word).slice(0, TEST_MODEL_WORDS.length)).toEqual([...TEST_MODEL_WORDS]);
    // Detected: the random model hears some language, deterministically, and says which.
    const detected = await run(multilingual);
    expect(detected.language).toMatch(/^[a-z]{2,3}$/);
    // An English-only model transcribes English whatever it is asked.
    expect((await run(model, "de")).language).toBe("en");
  });

  it("fails with TRANSCRIPTION_FAILED naming the fix when the model file is missing", async () => {
    const missing = join(dir, "no-such-model.bin");
    const error = await transcribeWhisper(wav, {
      binary: paths.binary,
      modelPath: missing,
      workDir: dir,
      audioDuration: duration,
      timeoutMs: 60_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailure);
    expect(error).toMatchObject({ code: "TRANSCRIPTION_FAILED" });
    expect((error as Error).message).toContain(`no whisper model at ${missing}`);
    expect((error as Error).message).toContain("VIDEOCRAFT_WHISPER_MODEL_PATH");
  });

  it("fails with TRANSCRIPTION_FAILED when whisper.cpp exits non-zero (not a model)", async () => {
    const corrupt = join(dir, "corrupt.bin");
    await writeFile(corrupt, "this is not a ggml model");
    const error = await transcribeWhisper(wav, {
      binary: paths.binary,
      modelPath: corrupt,
      workDir: dir,
      audioDuration: duration,
      timeoutMs: 60_000,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "TRANSCRIPTION_FAILED" });
    expect((error as Error).message).toMatch(/whisper\.cpp\) failed \(exit/);
  });
});
