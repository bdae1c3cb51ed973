import { access, readFile, rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { clipWords } from "../../core/captions/clip-words.js";
import type { Word } from "../../core/captions/word.js";
import { JobFailure } from "../../core/errors.js";
import { runProcess } from "./run-process.js";
import { missingWhisperModel } from "./whisper-model-identity.js";

export interface TranscribeWhisperOptions {
  /** whisper.cpp's `whisper-cli` (see `resolveWhisperPaths`). */
  binary: string;
  modelPath: string;
  /** Where whisper-cli writes its JSON; a job work directory. */
  workDir: string;
  /** whisper's language code (`de`), or `auto` (the default) to detect it from the speech. */
  language?: string;
  /** Threads for the one whisper process of a job; default all of the function's CPUs. */
  threads?: number;
  /** Seconds of audio in the file: words are clipped to it. */
  audioDuration: number;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export interface Transcription {
  words: Word[];
  /** The language whisper transcribed: the one asked for, or the one it detected. */
  language: string;
}

/**
 * Speech recognition with word-level times: runs whisper.cpp's CLI in its one-word-per-segment
 * mode (`-ml 1 -sow`, token timestamps on) with full JSON output (`-ojf`), and turns the segments into
 * words that are ordered, non-overlapping and inside the audio. An English-only model transcribes
 * English whatever the language asked for (whisper-cli ignores `-l` for it, and says "en"). A missing
 * model file or binary and a non-zero exit fail the job with TRANSCRIPTION_FAILED.
 */
export async function transcribeWhisper(
  wavPath: string,
  o: TranscribeWhisperOptions,
): Promise<Transcription> {
  await access(o.modelPath).catch(() => {
    throw missingWhisperModel(o.modelPath);
  });
  await access(o.binary).catch(() => {
    throw new JobFailure(
      "TRANSCRIPTION_FAILED",
      `no whisper-cli at ${o.binary}; run \`bash scripts/build-whisper.sh\` or set VIDEOCRAFT_WHISPER_BIN`,
    );
  });
  const outBase = join(o.workDir, `whisper-${process.pid}-${Date.now().toString(36)}`);
  const args = [
    "-m",
    o.modelPath,
    "-f",
    wavPath,
    "-t",
    String(o.threads ?? availableParallelism()),
    "-l",
    o.language ?? "auto",
    "-ml",
    "1",
    "-sow",
    "-ojf",
    "-of",
    outBase,
  ];
  await runProcess(o.binary, args, {
    timeoutMs: o.timeoutMs,
    signal: o.signal,
    failureCode: "TRANSCRIPTION_FAILED",
    what: "speech recognition (whisper.cpp)",
  });
  const jsonPath = `${outBase}.json`;
  try {
    const raw = await readFile(jsonPath, "utf8").catch(() => {
      throw new JobFailure("TRANSCRIPTION_FAILED", "whisper.cpp exited without writing its JSON output");
    });
    return {
      words: parseWhisperJson(raw, o.audioDuration),
      language: (JSON.parse(raw) as WhisperJson).result?.language ?? o.language ?? "auto",
    };
  } finally {
    await rm(jsonPath, { force: true });
  }
}

interface WhisperJson {
  result?: { language?: string };
  transcription?: { offsets?: { from?: number; to?: number }; text?: string }[];
}

/** Bracketed non-speech markers whisper prints: [BLANK_AUDIO], [_TT_12], (music), ♪… */
const NON_SPEECH = /^(\[[^\]]*\]|\([^)]*\)|♪+)$/;
const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * whisper-cli's `-ojf` JSON (with `-ml 1 -sow`: one word per segment, `offsets` in ms) → words.
 * Empty and non-speech segments are skipped; a punctuation-only segment joins the previous word; a
 * segment holding several words is shared by character count. Times are made monotonic and clipped
 * to `audioDuration`.
 */
export function parseWhisperJson(raw: string, audioDuration: number): Word[] {
  let json: WhisperJson;
  try {
    json = JSON.parse(raw) as WhisperJson;
  } catch (e) {
    throw new JobFailure(
      "TRANSCRIPTION_FAILED",
      `whisper.cpp wrote JSON that does not parse: ${(e as Error).message}`,
    );
  }
  if (!Array.isArray(json.transcription)) {
    throw new JobFailure("TRANSCRIPTION_FAILED", "whisper.cpp's JSON has no transcription array");
  }
  const words: Word[] = [];
  for (const seg of json.transcription) {
    const text = (seg.text ?? "").trim();
    const from = (seg.offsets?.from ?? 0) / 1000;
    const to = Math.max(from, (seg.offsets?.to ?? 0) / 1000);
    if (!text || NON_SPEECH.test(text)) continue;
    if (!HAS_LETTER_OR_DIGIT.test(text)) {
      const prev = words[words.length - 1];
      if (prev) prev.word += text;
      continue;
    }
    const parts = text.split(/\s+/);
    const total = parts.reduce((n, p) => n + p.length, 0);
    let at = from;
    for (const part of parts) {
      const end = at + ((to - from) * part.length) / total;
      words.push({ word: part, start: at, end });
      at = end;
    }
  }
  return clipWords(words, audioDuration);
}
