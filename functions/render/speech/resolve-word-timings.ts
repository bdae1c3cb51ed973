import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { validateGivenWords } from "../../core/captions/validate-words.js";
import { offsetWords, type Word } from "../../core/captions/word.js";
import { JobFailure } from "../../core/errors.js";
import type { ObjectStore } from "../../core/ports/object-store.js";
import type { SubtitlesElementInput } from "../../core/schema/request-schema.js";
import { alignScript } from "./align-script.js";
import { extractSpeechAudio, wavDurationSeconds } from "./extract-speech-audio.js";
import { transcribeWhisper } from "./transcribe-whisper.js";
import type { WhisperPaths } from "./whisper-paths.js";

/** The narration a subtitles element captions: one fetched audio source placed in its scene. */
export interface NarrationAudio {
  /** Local path of the fetched audio (or video) source. */
  path: string;
  /** Where the audio starts in the scene (the audio element's `start`), seconds. */
  offset: number;
  /**
   * Seconds of the source that play (the element's `duration` trim, cut at the scene's end);
   * undefined = the whole source.
   */
  duration?: number | undefined;
}

export interface ResolveWordTimingsDeps {
  store: ObjectStore;
  /** The job's scratch directory (WAV and whisper JSON go here). */
  workDir: string;
  ffmpegPath: string;
  whisper: WhisperPaths & { threads?: number };
  align?: { pocketsphinxPath?: string; dictPath?: string; hmmDir?: string };
  /** Per external process. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export type WordTimingEngine = "given" | "pocketsphinx" | "whisper";

export interface ResolvedWordTimings {
  /** Relative to the SCENE start (audio time + `audio.offset`), ready for `buildAssDocument`. */
  words: Word[];
  engine: WordTimingEngine;
  /** `cache/words/<sha256>.json`, when the engine's result is cacheable. */
  cacheKey?: string;
  cached: boolean;
  warnings: string[];
}

/** The version of the cached JSON; bump when the result for the same inputs would change. */
const CACHE_VERSION = 1;
const ALIGN_MODEL = "pocketsphinx-en-us";

/**
 * Word timings for one subtitles element and one narration audio (SPEC §6 step 2):
 * `words` given → used as is (validated: ordered, non-overlapping, inside the audio);
 * `text` given → forced alignment of the script (pocketsphinx); else → whisper.cpp.
 *
 * Given words and recogniser output are times in the audio; the result is moved by `audio.offset`
 * into scene time. Recogniser results are cached in the object store under
 * `cache/words/<sha256(audio bytes + trim + engine + model + text)>.json`, so a re-render (or the
 * same narration in another job) skips extraction and recognition.
 */
export async function resolveWordTimings(
  element: SubtitlesElementInput,
  audio: NarrationAudio | undefined,
  deps: ResolveWordTimingsDeps,
): Promise<ResolvedWordTimings> {
  if (element.words) {
    const problems = validateGivenWords(element.words, audio?.duration);
    if (problems.length > 0) {
      throw new JobFailure(
        "TRANSCRIPTION_FAILED",
        `subtitles words are not usable: ${problems.slice(0, 5).join("; ")}`,
      );
    }
    const words = element.words.map((w) => ({ word: w.word, start: w.start, end: w.end }));
    return { words: offsetWords(words, audio?.offset ?? 0), engine: "given", cached: false, warnings: [] };
  }
  if (!audio) {
    return {
      words: [],
      engine: element.text ? "pocketsphinx" : "whisper",
      cached: false,
      warnings: ["subtitles: the scene has no narration audio to caption"],
    };
  }

  const engine: WordTimingEngine = element.text ? "pocketsphinx" : "whisper";
  const model = engine === "whisper" ? deps.whisper.model : ALIGN_MODEL;
  const language = element.language ?? "en";
  const cacheKey = `cache/words/${await hashInputs(audio, engine, model, element.text ?? "", language)}.json`;

  const hit = await readCache(deps.store, cacheKey);
  if (hit)
    return {
      words: offsetWords(hit.words, audio.offset),
      engine,
      cacheKey,
      cached: true,
      warnings: hit.warnings,
    };

  await mkdir(deps.workDir, { recursive: true });
  const wav = join(
    deps.workDir,
    `speech-${createHash("sha1").update(cacheKey).digest("hex").slice(0, 10)}.wav`,
  );
  try {
    await extractSpeechAudio(audio.path, wav, {
      ffmpegPath: deps.ffmpegPath,
      duration: audio.duration,
      timeoutMs: deps.timeoutMs,
      signal: deps.signal,
    });
    const audioDuration = wavDurationSeconds(await readFile(wav));
    const warnings: string[] = [];
    let words: Word[];
    if (element.text) {
      if (!language.toLowerCase().startsWith("en")) {
        warnings.push(`forced alignment has an English model only; aligning the "${language}" script anyway`);
      }
      const result = await alignScript(wav, element.text, {
        ...deps.align,
        workDir: deps.workDir,
        audioDuration,
        timeoutMs: deps.timeoutMs,
        signal: deps.signal,
      });
      words = result.words;
      warnings.push(...result.warnings);
    } else {
      words = await transcribeWhisper(wav, {
        binary: deps.whisper.binary,
        modelPath: deps.whisper.modelPath,
        ...(deps.whisper.threads ? { threads: deps.whisper.threads } : {}),
        workDir: deps.workDir,
        language,
        audioDuration,
        timeoutMs: deps.timeoutMs,
        signal: deps.signal,
      });
    }
    await deps.store.putText(
      cacheKey,
      JSON.stringify({ version: CACHE_VERSION, engine, model, words, warnings }),
      "application/json",
    );
    return { words: offsetWords(words, audio.offset), engine, cacheKey, cached: false, warnings };
  } finally {
    await rm(wav, { force: true });
  }
}

async function hashInputs(
  audio: NarrationAudio,
  engine: WordTimingEngine,
  model: string,
  text: string,
  language: string,
): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(audio.path)) hash.update(chunk as Buffer);
  hash.update(
    JSON.stringify({ v: CACHE_VERSION, trim: audio.duration ?? null, engine, model, language, text }),
  );
  return hash.digest("hex");
}

async function readCache(
  store: ObjectStore,
  key: string,
): Promise<{ words: Word[]; warnings: string[] } | undefined> {
  const text = await store.getText(key);
  if (!text) return undefined;
  try {
    const json = JSON.parse(text) as { version?: number; words?: Word[]; warnings?: string[] };
    if (json.version !== CACHE_VERSION || !Array.isArray(json.words)) return undefined;
    return { words: json.words, warnings: json.warnings ?? [] };
  } catch {
    return undefined;
  }
}
