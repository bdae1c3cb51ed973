import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { validateGivenWords } from "../../core/captions/validate-words.js";
import { offsetWords, type Word } from "../../core/captions/word.js";
import { JobFailure } from "../../core/errors.js";
import type { ObjectStore } from "../../core/ports/object-store.js";
import type { SubtitlesElementInput } from "../../core/schema/request-schema.js";
import { AUTO_LANGUAGE, normaliseLanguage } from "../../core/speech-languages.js";
import { type AlignmentReport, alignScript } from "./align-script.js";
import { alignScriptAnyLanguage, type ScriptTimingMethod } from "./align-script-any-language.js";
import { extractSpeechAudio, wavDurationSeconds } from "./extract-speech-audio.js";
import { transcribeWhisper } from "./transcribe-whisper.js";
import { type WhisperModelIdentity, whisperModelIdentity } from "./whisper-model-identity.js";
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
  /** The audio element's `language`, used when the subtitles element gives none. */
  language?: string | undefined;
  /** The demuxer the source was probed with, so extraction does not sniff the file again. */
  format?: string | undefined;
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

/**
 * How the words were timed: as given; forced alignment of the script (English); whisper.cpp's
 * recognition; a script in another language matched onto whisper's words, or spread over the
 * stretches of speech when nothing recognised it.
 */
export type WordTimingEngine = "given" | "pocketsphinx" | "whisper" | ScriptTimingMethod;

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
const CACHE_VERSION = 2;
const ALIGN_MODEL = "pocketsphinx-en-us";

/** What a cached result holds besides the words. */
interface CacheEntry {
  version: number;
  engine: WordTimingEngine;
  /** The aligner's model, or the whisper model file's sha256. */
  model: string;
  /** The language whisper transcribed (asked for or detected). */
  language?: string;
  words: Word[];
  warnings: string[];
  /** Forced alignment: which decoder pass won and what the plausibility check found. */
  alignment?: AlignmentReport;
}

/**
 * Word timings for one subtitles element and one narration audio:
 * `words` given → used as is (validated: ordered, non-overlapping, inside the audio);
 * `text` given → forced alignment of the script (pocketsphinx) when it is English, else the script
 * matched onto whisper's recognition or spread over the speech (see `alignScriptAnyLanguage`);
 * else → whisper.cpp in the element's (or the audio's) `language`, detected when not given.
 *
 * Given words and recogniser output are times in the audio; the result is moved by `audio.offset`
 * into scene time. Recogniser results are cached in the object store under
 * `cache/words/<sha256(audio bytes + trim + route + model + language + text)>.json`, where the
 * model is the whisper model file's sha256 (the aligner's name for pocketsphinx), so a re-render (or
 * the same narration in another job) skips extraction and recognition, and another model does not.
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

  const language = normaliseLanguage(element.language ?? audio.language ?? AUTO_LANGUAGE) ?? AUTO_LANGUAGE;
  const route = !element.text
    ? "whisper"
    : alignsAsEnglish(language, element.text)
      ? "pocketsphinx"
      : "script";
  // Transcription keys on the model file's content; a missing model fails here, before any cache
  // read, so another model's (or no model's) words are never served. A script in another language
  // uses whisper when a model is there and spreads the script over the speech when not.
  const identity =
    route === "whisper"
      ? await whisperModelIdentity(deps.whisper.modelPath)
      : route === "script"
        ? await whisperModelIdentity(deps.whisper.modelPath).catch(() => undefined)
        : undefined;
  const model = route === "pocketsphinx" ? ALIGN_MODEL : (identity?.sha256 ?? "none");
  const cacheKey = `cache/words/${await hashInputs(audio, route, model, element.text ?? "", language)}.json`;

  const hit = await readCache(deps.store, cacheKey);
  if (hit)
    return {
      words: offsetWords(hit.words, audio.offset),
      engine: hit.engine,
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
      format: audio.format,
      timeoutMs: deps.timeoutMs,
      signal: deps.signal,
    });
    const audioDuration = wavDurationSeconds(await readFile(wav));
    const common = { workDir: deps.workDir, audioDuration, timeoutMs: deps.timeoutMs, signal: deps.signal };
    const threads = deps.whisper.threads ? { threads: deps.whisper.threads } : {};
    let entry: CacheEntry;
    if (route === "pocketsphinx") {
      const result = await alignScript(wav, element.text ?? "", { ...deps.align, ...common });
      entry = {
        version: CACHE_VERSION,
        engine: "pocketsphinx",
        model,
        words: result.words,
        warnings: result.warnings,
        alignment: result.report,
      };
    } else if (route === "script") {
      const result = await alignScriptAnyLanguage(wav, element.text ?? "", {
        ...common,
        language,
        ...(identity
          ? {
              whisper: {
                binary: deps.whisper.binary,
                modelPath: deps.whisper.modelPath,
                identity,
                ...threads,
              },
            }
          : {}),
      });
      entry = { version: CACHE_VERSION, engine: result.method, model, language, ...result };
    } else {
      const result = await transcribeWhisper(wav, {
        binary: deps.whisper.binary,
        modelPath: deps.whisper.modelPath,
        ...threads,
        ...common,
        language,
      });
      entry = {
        version: CACHE_VERSION,
        engine: "whisper",
        model,
        language: result.language,
        words: result.words,
        warnings: englishOnlyWarning(identity, language, deps.whisper.model),
      };
    }
    await deps.store.putText(cacheKey, JSON.stringify(entry), "application/json");
    return {
      words: offsetWords(entry.words, audio.offset),
      engine: entry.engine,
      cacheKey,
      cached: false,
      warnings: entry.warnings,
    };
  } finally {
    await rm(wav, { force: true });
  }
}

/**
 * Whether a script goes to the English forced aligner: its language is English, or not given and
 * the script is written in the English alphabet (so a German or Spanish script needs its `language`).
 */
export function alignsAsEnglish(language: string, script: string): boolean {
  if (language !== AUTO_LANGUAGE) return language === "en";
  const letters = script.match(/\p{L}/gu) ?? [];
  const ascii = letters.filter((c) => /[a-z]/i.test(c)).length;
  return letters.length === 0 || ascii >= 0.9 * letters.length;
}

function englishOnlyWarning(
  identity: WhisperModelIdentity | undefined,
  language: string,
  model: string,
): string[] {
  if (!identity || identity.multilingual || language === "en" || language === AUTO_LANGUAGE) return [];
  return [
    `speech recognition: the whisper model "${model}" is English-only, so the "${language}" speech was transcribed as English; use a multilingual model (VIDEOCRAFT_TRANSCRIPTION_MODEL=base)`,
  ];
}

async function hashInputs(
  audio: NarrationAudio,
  engine: string,
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

async function readCache(store: ObjectStore, key: string): Promise<CacheEntry | undefined> {
  const text = await store.getText(key);
  if (!text) return undefined;
  try {
    const json = JSON.parse(text) as Partial<CacheEntry>;
    if (json.version !== CACHE_VERSION || !Array.isArray(json.words) || !json.engine) return undefined;
    return { ...json, words: json.words, engine: json.engine, warnings: json.warnings ?? [] } as CacheEntry;
  } catch {
    return undefined;
  }
}
