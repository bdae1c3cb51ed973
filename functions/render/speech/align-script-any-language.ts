import { readFile } from "node:fs/promises";
import type { Word } from "../../core/captions/word.js";
import { AUTO_LANGUAGE } from "../../core/speech-languages.js";
import { splitScript } from "./script-tokens.js";
import { fillBetweenAnchors, timeScriptFromTranscript } from "./time-script-from-transcript.js";
import { transcribeWhisper } from "./transcribe-whisper.js";
import { detectVoiceActivity } from "./voice-activity.js";
import { readWavPcm } from "./wav-pcm.js";
import type { WhisperModelIdentity } from "./whisper-model-identity.js";

export type ScriptTimingMethod = "whisper-script" | "speech-activity";

export interface AlignScriptAnyLanguageOptions {
  /** whisper's language code, or `auto`. */
  language: string;
  /** The whisper model to recognise the speech with; without one (or with an English-only one for
   * another language) the script is spread over the speech. */
  whisper?: { binary: string; modelPath: string; identity: WhisperModelIdentity; threads?: number };
  workDir: string;
  audioDuration: number;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** Below this share of script tokens found in whisper's words, its transcript is not trusted. */
const MIN_MATCHED = 0.5;

/**
 * Times a known script in a language the forced aligner has no pronunciations for: whisper.cpp
 * recognises the speech (in the given language) and the script is matched onto its words, its
 * unmatched tokens spread between the matched ones; when there is no multilingual model, or its
 * words match less than half of the script, every token is spread by its length in syllables over
 * the stretches of speech the audio's loudness shows. A warning says which method was used.
 */
export async function alignScriptAnyLanguage(
  wavPath: string,
  script: string,
  o: AlignScriptAnyLanguageOptions,
): Promise<{ words: Word[]; method: ScriptTimingMethod; warnings: string[] }> {
  const tokens = splitScript(script);
  const activity = detectVoiceActivity(readWavPcm(await readFile(wavPath)));
  const label = o.language === AUTO_LANGUAGE ? "this script's language" : `"${o.language}"`;
  const spread = (why: string) => ({
    words: fillBetweenAnchors(tokens, [], activity),
    method: "speech-activity" as const,
    warnings: [
      `forced alignment: no pronunciation model for ${label}${why}; the script's words were spread over the stretches of speech by their length in syllables, so their times are approximate`,
    ],
  });
  const w = o.whisper;
  if (!w) return spread(" and no whisper model to recognise it");
  if (!w.identity.multilingual && o.language !== "en") {
    return spread(" and the whisper model is English-only");
  }
  const { words: heard } = await transcribeWhisper(wavPath, {
    binary: w.binary,
    modelPath: w.modelPath,
    ...(w.threads ? { threads: w.threads } : {}),
    workDir: o.workDir,
    language: o.language,
    audioDuration: o.audioDuration,
    timeoutMs: o.timeoutMs,
    signal: o.signal,
  });
  const { words, matched } = timeScriptFromTranscript(tokens, heard, activity);
  const share = `${Math.round(matched * 100)} %`;
  if (matched < MIN_MATCHED) return spread(` and whisper.cpp's words matched only ${share} of the script`);
  return {
    words,
    method: "whisper-script",
    warnings: [
      `forced alignment: no pronunciation model for ${label}; the script's words were timed from whisper.cpp's recognition (${share} matched, the rest spread between them by length in syllables)`,
    ],
  };
}
