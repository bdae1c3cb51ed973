import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { clipWords } from "../../core/captions/clip-words.js";
import type { Word } from "../../core/captions/word.js";
import { guessPronunciation } from "./guess-pronunciation.js";
import { runProcess } from "./run-process.js";

/**
 * Forced alignment of a known script to narration (SPEC §7): Debian's `pocketsphinx` 0.8 tool with
 * the `pocketsphinx-en-us` model decodes the audio against a JSGF grammar that is exactly the
 * script's word sequence, and prints `word start end prob` per word.
 *
 * Script words missing from the pronunciation dictionary (names, digits…) get a pronunciation guessed
 * from their spelling, so their audio is not absorbed by a neighbour; a word with nothing pronounceable
 * (or one the decoder does not place) gets a time interpolated from its neighbours. Recognised words
 * are mapped back onto the ORIGINAL script tokens, so captions show the user's spelling, case and
 * punctuation. pocketsphinx reads a small dictionary written per run with just the script's words,
 * which also keeps its start-up short.
 */
export interface AlignScriptOptions {
  /** `pocketsphinx_continuous` (Debian package `pocketsphinx`). */
  pocketsphinxPath?: string;
  /** Pronunciation dictionary (Debian package `pocketsphinx-en-us`). */
  dictPath?: string;
  /** Acoustic model directory; default: the tool's built-in (`…/model/en-us/en-us`). */
  hmmDir?: string;
  workDir: string;
  /** Seconds of audio in the file. */
  audioDuration: number;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export const DEFAULT_POCKETSPHINX = "pocketsphinx_continuous";
export const DEFAULT_SPHINX_DICT = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict";

/**
 * Search beams, tried in order until the decoder reaches the end of the grammar. SPEC §7's
 * `-beam 1e-80 -wbeam 1e-60 -pbeam 1e-80` loses the grammar path on ordinary continuous speech
 * (pocketsphinx: "Final result does not match the grammar", no words) even for 20 espeak words, so
 * the first try is one notch wider, which costs about the same; the second is wider still.
 */
const BEAM_LADDER: readonly string[][] = [
  ["-beam", "1e-100", "-wbeam", "1e-80", "-pbeam", "1e-100"],
  ["-beam", "1e-150", "-wbeam", "1e-120", "-pbeam", "1e-150"],
];

export interface AlignmentResult {
  /** One per script token, times in the audio, ordered and non-overlapping. */
  words: Word[];
  warnings: string[];
  /** Script tokens that had no recognised time and were interpolated. */
  interpolated: number;
}

/** A script token and the dictionary words it is spoken as. */
interface ScriptToken {
  text: string;
  /** Lower-case dictionary spellings, e.g. "well-known" → ["well", "known"]. */
  parts: string[];
  /** Every part is in the dictionary. */
  inDictionary: boolean;
  /** Some part is not, and its pronunciation is guessed from its spelling. */
  guessed: boolean;
  /** The token is in the grammar (known or guessed pronunciation for every part). */
  inGrammar: boolean;
}

/** word → its pronunciations (alternates `word(2)` included), as in the dictionary file. */
export type PronunciationDictionary = ReadonlyMap<string, string[]>;

const dictionaries = new Map<string, Promise<Map<string, string[]>>>();

/** The pronunciation dictionary, loaded once per path and process. */
export function loadDictionary(path: string): Promise<PronunciationDictionary> {
  let cached = dictionaries.get(path);
  if (!cached) {
    cached = readFile(path, "utf8").then((text) => {
      const words = new Map<string, string[]>();
      for (const line of text.split("\n")) {
        const space = line.indexOf(" ");
        if (space <= 0) continue;
        const word = line.slice(0, space).replace(/\(\d+\)$/, "");
        const phones = line.slice(space + 1).trim();
        const list = words.get(word);
        if (list) list.push(phones);
        else words.set(word, [phones]);
      }
      return words;
    });
    dictionaries.set(path, cached);
    cached.catch(() => dictionaries.delete(path));
  }
  return cached;
}

/** Splits the script into display tokens; a token of punctuation only joins the token before it. */
export function tokenizeScript(script: string, dictionary: PronunciationDictionary): ScriptToken[] {
  const tokens: ScriptToken[] = [];
  for (const raw of script.split(/\s+/)) {
    if (!raw) continue;
    const normal = raw.toLowerCase().replace(/[‘’`´]/g, "'");
    // Only letters, digits and inner apostrophes reach the JSGF grammar and the dictionary: any other
    // character (`;`, `[`, `:`…) splits the token, so user text can never break the grammar's syntax.
    const parts = normal
      .split(/[^\p{L}\p{N}']+/u)
      .map((p) => p.replace(/^'+|'+$/g, ""))
      .filter((p) => p !== "");
    if (parts.length === 0) {
      const prev = tokens[tokens.length - 1];
      if (prev) prev.text += ` ${raw}`;
      else tokens.push({ text: raw, parts: [], inDictionary: false, guessed: false, inGrammar: false });
      continue;
    }
    const inDictionary = parts.every((p) => dictionary.has(p));
    const inGrammar = inDictionary || parts.every((p) => dictionary.has(p) || guessPronunciation(p) !== "");
    tokens.push({ text: raw, parts, inDictionary, guessed: !inDictionary && inGrammar, inGrammar });
  }
  return tokens;
}

/** The dictionary pocketsphinx reads for one script: its words' entries, plus guesses for the others. */
export function buildScriptDictionary(words: Iterable<string>, dictionary: PronunciationDictionary): string {
  const lines: string[] = [];
  for (const word of new Set(words)) {
    const known = dictionary.get(word);
    if (!known) {
      lines.push(`${word} ${guessPronunciation(word)}`);
      continue;
    }
    known.forEach((phones, i) => {
      lines.push(`${i === 0 ? word : `${word}(${i + 1})`} ${phones}`);
    });
  }
  return `${lines.join("\n")}\n`;
}

/** `#JSGF V1.0; grammar script; public <s> = every morning the keeper …;` */
export function buildGrammar(words: readonly string[]): string {
  return `#JSGF V1.0;\ngrammar script;\npublic <s> = ${words.join(" ")};\n`;
}

/** pocketsphinx's `word start end prob` lines; fillers and sentence marks are skipped, `word(2)` → `word`. */
export function parseSphinxWords(stdout: string): Word[] {
  const words: Word[] = [];
  for (const line of stdout.split("\n")) {
    const m = /^(\S+)\s+(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s+\S+\s*$/.exec(line.trim());
    if (!m?.[1]) continue;
    const word = m[1].replace(/\(\d+\)$/, "");
    if (word.startsWith("<") || word.startsWith("[") || word.startsWith("++")) continue;
    words.push({ word, start: Number(m[2]), end: Number(m[3]) });
  }
  return words;
}

export async function alignScript(
  wavPath: string,
  script: string,
  o: AlignScriptOptions,
): Promise<AlignmentResult> {
  const dictPath = o.dictPath ?? DEFAULT_SPHINX_DICT;
  const dictionary = await loadDictionary(dictPath);
  const tokens = tokenizeScript(script, dictionary);
  const warnings: string[] = [];
  const guessed = tokens.filter((t) => t.guessed).map((t) => t.text);
  if (guessed.length > 0) {
    warnings.push(
      `forced alignment: ${guessed.length} script word(s) are not in the pronunciation dictionary; their pronunciation was guessed from the spelling: ${guessed.slice(0, 10).join(", ")}`,
    );
  }
  const grammarWords = tokens.filter((t) => t.inGrammar).flatMap((t) => t.parts);
  let recognised: Word[] = [];
  if (grammarWords.length > 0) {
    const base = join(o.workDir, `script-${process.pid}-${Date.now().toString(36)}`);
    const gram = `${base}.gram`;
    const dict = `${base}.dict`;
    await writeFile(gram, buildGrammar(grammarWords));
    await writeFile(dict, buildScriptDictionary(grammarWords, dictionary));
    try {
      for (const beams of BEAM_LADDER) {
        const { stdout } = await runProcess(
          o.pocketsphinxPath ?? DEFAULT_POCKETSPHINX,
          [
            "-infile",
            wavPath,
            "-jsgf",
            gram,
            "-dict",
            dict,
            ...(o.hmmDir ? ["-hmm", o.hmmDir] : []),
            "-time",
            "yes",
            "-vad_postspeech",
            "3000",
            ...beams,
            "-logfn",
            "/dev/null",
          ],
          {
            timeoutMs: o.timeoutMs,
            signal: o.signal,
            failureCode: "TRANSCRIPTION_FAILED",
            what: "forced alignment",
          },
        );
        recognised = parseSphinxWords(stdout);
        if (recognised.length > 0) break;
      }
    } finally {
      await Promise.all([rm(gram, { force: true }), rm(dict, { force: true })]);
    }
  }
  const { words, interpolated } = mapOntoScript(tokens, recognised, o.audioDuration);
  if (grammarWords.length > 0 && recognised.length === 0) {
    warnings.push(
      "forced alignment found no match between the script and the audio; captions are spread evenly",
    );
  }
  return { words, warnings, interpolated };
}

/**
 * Gives every script token a time: recognised words are matched in order onto the grammar words
 * (the decoder follows the grammar, so normally one-to-one; a short look-ahead tolerates gaps), a
 * token spans its parts, and untimed tokens are interpolated between their timed neighbours.
 */
export function mapOntoScript(
  tokens: readonly ScriptToken[],
  recognised: readonly Word[],
  audioDuration: number,
): { words: Word[]; interpolated: number } {
  const slots: { token: number; word: string }[] = [];
  tokens.forEach((t, i) => {
    if (t.inGrammar) for (const p of t.parts) slots.push({ token: i, word: p });
  });
  const times: ({ start: number; end: number } | undefined)[] = tokens.map(() => undefined);
  let next = 0;
  for (const r of recognised) {
    const word = r.word.toLowerCase();
    for (let k = next; k < Math.min(slots.length, next + 6); k++) {
      const slot = slots[k];
      if (slot?.word !== word) continue;
      const t = times[slot.token];
      times[slot.token] = t ? { start: t.start, end: r.end } : { start: r.start, end: r.end };
      next = k + 1;
      break;
    }
  }
  const interpolated = times.filter((t) => t === undefined).length;
  const filled = interpolate(
    tokens.map((t) => t.text),
    times,
    audioDuration,
  );
  return { words: clipWords(filled, Math.max(audioDuration, 0.01)), interpolated };
}

/** Typical speaking time per character, for placing untimed words at the edges of the audio. */
const SECONDS_PER_CHAR = 0.07;
/** Below this many seconds per untimed word, a gap is too small and the previous word shares its time. */
const MIN_WORD_SECONDS = 0.08;

function interpolate(
  texts: readonly string[],
  times: readonly ({ start: number; end: number } | undefined)[],
  duration: number,
): Word[] {
  const out: Word[] = texts.map((word, i) => ({
    word,
    start: times[i]?.start ?? -1,
    end: times[i]?.end ?? -1,
  }));
  const weight = (i: number) => Math.max(1, texts[i]?.length ?? 1);
  let i = 0;
  while (i < out.length) {
    if (times[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < out.length && !times[j]) j++;
    // run [i, j) is untimed; neighbours i-1 and j (if any)
    const before = i > 0 ? out[i - 1] : undefined;
    const after = j < out.length ? out[j] : undefined;
    const chars = Array.from({ length: j - i }, (_, k) => weight(i + k));
    const need = chars.reduce((a, b) => a + b, 0) * SECONDS_PER_CHAR;
    let from: number;
    let to: number;
    if (before && after) {
      from = before.end;
      to = after.start;
      if (to - from < MIN_WORD_SECONDS * (j - i)) {
        // Too little room: the previous word gives up part of its span, shared by character count.
        const shared = [weight(i - 1), ...chars];
        const total = shared.reduce((a, b) => a + b, 0);
        const span = Math.max(0, after.start - before.start);
        before.end = before.start + (span * (shared[0] ?? 1)) / total;
        from = before.end;
      }
    } else if (after) {
      to = after.start;
      from = Math.max(0, to - need);
    } else if (before) {
      from = before.end;
      to = Math.min(duration, from + need);
      if (to <= from) to = from;
    } else {
      from = 0;
      to = duration;
    }
    const total = chars.reduce((a, b) => a + b, 0);
    let at = from;
    for (let k = i; k < j; k++) {
      const end = at + ((to - from) * weight(k)) / total;
      const w = out[k];
      if (w) {
        w.start = at;
        w.end = end;
      }
      at = end;
    }
    i = j;
  }
  return out;
}
