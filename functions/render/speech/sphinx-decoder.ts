import type { Word } from "../../core/captions/word.js";
import { runProcess } from "./run-process.js";

/**
 * Decoder settings: the first pass, and the retry of what it placed implausibly. The beams of
 * pocketsphinx's usual alignment recipe (`-beam 1e-80 -wbeam 1e-60 -pbeam 1e-80`) lose the grammar
 * path on ordinary continuous speech ("Final result does not match the grammar", no words).
 *
 * First pass: scoring the acoustic model on every other frame (`-ds 2`) cuts its CPU by about a
 * quarter (scoring is three quarters of pocketsphinx's time, and the same per frame whatever the
 * grammar), at a few milliseconds of mean word-start error on the ground-truth set; it needs wider
 * beams to keep the grammar path. Narration is mostly clean (TTS or a studio microphone), where
 * pocketsphinx's noise removal and silence skipping shift word edges (and noise removal costs CPU),
 * so they are off. The retry searches wider still and scores every frame, with noise removal on, for
 * noisy recordings and hard passages; it only decodes the stretches around the problems.
 */
export const ALIGNMENT_PASSES = [
  {
    name: "narrow",
    args: [
      ...["-beam", "1e-150", "-wbeam", "1e-120", "-pbeam", "1e-150"],
      ...["-remove_noise", "no", "-remove_silence", "no", "-ds", "2"],
    ],
  },
  {
    name: "wide",
    args: [
      ...["-beam", "1e-200", "-wbeam", "1e-160", "-pbeam", "1e-200"],
      ...["-remove_noise", "yes", "-remove_silence", "no"],
    ],
  },
] as const;

export type AlignmentPassName = (typeof ALIGNMENT_PASSES)[number]["name"];

/** One word pocketsphinx placed; `variant` 0 is `word`, 1 is `word(2)`… */
export interface SphinxWord extends Word {
  variant: number;
}

/** pocketsphinx's `word start end prob` lines; fillers and sentence marks are skipped. */
export function parseSphinxWords(stdout: string): SphinxWord[] {
  const words: SphinxWord[] = [];
  for (const line of stdout.split("\n")) {
    const m = /^(\S+?)(?:\((\d+)\))?\s+(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s+\S+\s*$/.exec(line.trim());
    if (!m?.[1]) continue;
    const word = m[1];
    if (word.startsWith("<") || word.startsWith("[") || word.startsWith("++")) continue;
    words.push({ word, start: Number(m[3]), end: Number(m[4]), variant: m[2] ? Number(m[2]) - 1 : 0 });
  }
  return words;
}

export interface DecodeOptions {
  /** `pocketsphinx_continuous` (Debian package `pocketsphinx`). */
  pocketsphinxPath: string;
  /** Acoustic model directory; default: the tool's built-in. */
  hmmDir?: string | undefined;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** Runs pocketsphinx over a 16 kHz mono WAV against a JSGF grammar and a dictionary file. */
export async function decodeWithGrammar(
  wavPath: string,
  grammarPath: string,
  dictPath: string,
  args: readonly string[],
  o: DecodeOptions,
): Promise<SphinxWord[]> {
  const { stdout } = await runProcess(
    o.pocketsphinxPath,
    [
      ...["-infile", wavPath, "-jsgf", grammarPath, "-dict", dictPath],
      ...(o.hmmDir ? ["-hmm", o.hmmDir] : []),
      // One utterance for the whole file: only 30 s of silence would end it.
      ...["-time", "yes", "-vad_postspeech", "3000", ...args, "-logfn", "/dev/null"],
    ],
    {
      timeoutMs: o.timeoutMs,
      signal: o.signal,
      failureCode: "TRANSCRIPTION_FAILED",
      what: "forced alignment",
    },
  );
  return parseSphinxWords(stdout);
}
