import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { clipWords } from "../../core/captions/clip-words.js";
import type { Word } from "../../core/captions/word.js";
import {
  type AlignmentProblem,
  judgeAlignment,
  type PlacedWord,
  problemSeconds,
  secondsPerPhone,
} from "./judge-alignment.js";
import { DEFAULT_SPHINX_DICT, loadDictionary } from "./pronunciation-dictionary.js";
import { runProcess } from "./run-process.js";
import { type ScriptToken, tokenizeScript } from "./script-tokens.js";
import { buildGrammar, buildScriptDictionary } from "./sphinx-grammar.js";
import { spreadOverSpeech } from "./spread-over-speech.js";
import { detectVoiceActivity, type VoiceActivity } from "./voice-activity.js";
import { readWavPcm } from "./wav-pcm.js";

export { DEFAULT_SPHINX_DICT, loadDictionary };

/**
 * Forced alignment of a known English script to narration: Debian's `pocketsphinx` 0.8 tool with the
 * `pocketsphinx-en-us` model decodes the audio against a JSGF grammar that is exactly the script's
 * word sequence, and prints `word start end prob` per word.
 *
 * Numbers, currency, times and abbreviations are expanded into the words people say (every common
 * reading offered to the decoder); words missing from the pronunciation dictionary get a
 * pronunciation guessed from their spelling, so their audio is not absorbed by a neighbour. Each
 * decoder pass is judged for plausibility against the audio's own loudness (see `judgeAlignment`);
 * an implausible pass is retried with a wider search, the more plausible pass wins, and words it
 * still places implausibly are re-placed over the stretches of sound around them. Recognised words
 * are mapped back onto the ORIGINAL script tokens, so captions show the user's spelling, case and
 * punctuation ("2023", not "twenty twenty three"). pocketsphinx reads a small dictionary written per
 * run with just the script's words, which keeps its start-up short.
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

/**
 * Decoder passes, tried in order while the result is implausible. SPEC §7's beams (`-beam 1e-80
 * -wbeam 1e-60 -pbeam 1e-80`) lose the grammar path on ordinary continuous speech ("Final result
 * does not match the grammar", no words), so the first pass is one notch wider, which costs about
 * the same. Narration is mostly clean (TTS or a studio microphone), where pocketsphinx's noise
 * removal and silence skipping shift word edges, so the first pass turns them off; the second pass
 * searches wider with them on, for noisy recordings.
 */
export const ALIGNMENT_PASSES = [
  {
    name: "narrow",
    args: [
      "-beam",
      "1e-100",
      "-wbeam",
      "1e-80",
      "-pbeam",
      "1e-100",
      "-remove_noise",
      "no",
      "-remove_silence",
      "no",
    ],
  },
  {
    name: "wide",
    args: [
      "-beam",
      "1e-150",
      "-wbeam",
      "1e-120",
      "-pbeam",
      "1e-150",
      "-remove_noise",
      "yes",
      "-remove_silence",
      "no",
    ],
  },
] as const;

export type AlignmentPassName = (typeof ALIGNMENT_PASSES)[number]["name"];

/** How the alignment was reached: kept with the cached timings. */
export interface AlignmentReport {
  /** The pass whose placement was used. */
  pass: AlignmentPassName | "none";
  /** Each pass run, with what the plausibility check found in it. */
  passes: { name: AlignmentPassName; words: number; problems: number; problemSeconds: number }[];
  /** Words re-placed over the audio's stretches of sound because their placement stayed implausible. */
  repaired: number;
}

export interface AlignmentResult {
  /** One per script token, times in the audio, ordered and non-overlapping. */
  words: Word[];
  warnings: string[];
  /** Script tokens that had no recognised time and were interpolated. */
  interpolated: number;
  report: AlignmentReport;
}

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

export async function alignScript(
  wavPath: string,
  script: string,
  o: AlignScriptOptions,
): Promise<AlignmentResult> {
  const dictionary = await loadDictionary(o.dictPath ?? DEFAULT_SPHINX_DICT);
  const tokens = tokenizeScript(script, dictionary);
  const warnings: string[] = [];
  const guessed = tokens.filter((t) => t.guessed.length > 0).map((t) => t.text);
  if (guessed.length > 0) {
    warnings.push(
      `forced alignment: ${guessed.length} script word(s) are not in the pronunciation dictionary; their pronunciation was guessed from the spelling: ${guessed.slice(0, 10).join(", ")}`,
    );
  }
  const activity = detectVoiceActivity(readWavPcm(await readFile(wavPath)));
  const grammarWords = tokens.flatMap((t) => t.forms.flat());
  const report: AlignmentReport = { pass: "none", passes: [], repaired: 0 };
  let best: { recognised: SphinxWord[]; placed: PlacedWord[]; problems: AlignmentProblem[] } | undefined;
  if (grammarWords.length > 0) {
    const base = join(o.workDir, `script-${process.pid}-${Date.now().toString(36)}`);
    const gram = `${base}.gram`;
    const dict = `${base}.dict`;
    const scriptDictionary = buildScriptDictionary(grammarWords, dictionary);
    await writeFile(gram, buildGrammar(tokens.map((t) => t.forms)));
    await writeFile(dict, scriptDictionary.text);
    try {
      for (const pass of ALIGNMENT_PASSES) {
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
            ...pass.args,
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
        const recognised = parseSphinxWords(stdout);
        const placed = recognised.map((w) => ({
          start: w.start,
          end: w.end,
          phones: scriptDictionary.phones.get(w.word)?.[w.variant] ?? 3,
        }));
        // A pass that found nothing is the least plausible of all.
        const problems =
          recognised.length > 0
            ? judgeAlignment(placed, activity)
            : [{ kind: "unexplained-sound" as const, first: -1, last: 0, seconds: activity.duration }];
        report.passes.push({
          name: pass.name,
          words: recognised.length,
          problems: problems.length,
          problemSeconds: Number(problemSeconds(problems).toFixed(3)),
        });
        if (!best || problemSeconds(problems) < problemSeconds(best.problems)) {
          best = { recognised, placed, problems };
          report.pass = pass.name;
        }
        if (best.problems.length === 0) break;
      }
    } finally {
      await Promise.all([rm(gram, { force: true }), rm(dict, { force: true })]);
    }
  }
  if (best && best.recognised.length > 0) {
    report.repaired = repairImplausible(best.placed, best.problems, activity);
    best.placed.forEach((p, i) => {
      const r = best.recognised[i];
      if (r) {
        r.start = p.start;
        r.end = p.end;
      }
    });
  } else {
    report.pass = "none";
  }
  const recognised = best?.recognised ?? [];
  const { words, interpolated } = mapOntoScript(tokens, recognised, o.audioDuration, activity);
  if (grammarWords.length > 0 && recognised.length === 0) {
    warnings.push(
      "forced alignment found no match between the script and the audio; captions are spread over the stretches of speech by word length",
    );
  }
  return { words, warnings, interpolated, report };
}

/** Problems that span more words than this are left as decoded: spreading is rougher than that. */
const MAX_REPAIR_WORDS = 8;

/**
 * Re-places the words of each implausible stretch over the sound between its plausible neighbours,
 * by phone count at the speaker's pace (see `spreadOverSpeech`). Returns how many words moved.
 */
export function repairImplausible(
  placed: PlacedWord[],
  problems: readonly AlignmentProblem[],
  activity: VoiceActivity,
): number {
  if (placed.length === 0 || problems.length === 0) return 0;
  const ranges = problems
    .map((p) => [Math.max(0, p.first), Math.min(placed.length - 1, p.last)] as const)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [a, b] of ranges) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  // The speaker's pace, from the words whose placement is not in doubt.
  const trusted = placed.filter((_, i) => !merged.some(([a, b]) => i >= a && i <= b));
  const pace = trusted.length >= 3 ? secondsPerPhone(trusted) : undefined;
  let moved = 0;
  for (const [a, b] of merged) {
    if (b - a + 1 > MAX_REPAIR_WORDS) continue;
    const window = {
      start: placed[a - 1]?.end ?? 0,
      end: placed[b + 1]?.start ?? activity.duration,
    };
    const spans = spreadOverSpeech(
      placed.slice(a, b + 1).map((w) => w.phones),
      activity.segments,
      window,
      { secondsPerUnit: pace },
    );
    spans.forEach((s, k) => {
      const w = placed[a + k];
      if (!w) return;
      if (Math.abs(w.start - s.start) > 0.02) moved++;
      w.start = s.start;
      w.end = s.end;
    });
  }
  return moved;
}

/**
 * Gives every script token a time: the recognised words are matched in order onto each token's
 * readings (the decoder follows the grammar, so normally exactly; a short look-ahead tolerates gaps),
 * a token spans its words, and untimed tokens are interpolated between their timed neighbours, or
 * spread over the stretches of sound when nothing was recognised at all.
 */
export function mapOntoScript(
  tokens: readonly ScriptToken[],
  recognised: readonly Word[],
  audioDuration: number,
  activity?: VoiceActivity,
): { words: Word[]; interpolated: number } {
  const times: ({ start: number; end: number } | undefined)[] = tokens.map(() => undefined);
  let next = 0;
  tokens.forEach((token, i) => {
    if (token.forms.length === 0) return;
    const forms = [...token.forms].sort((a, b) => b.length - a.length);
    for (let at = next; at < Math.min(recognised.length, next + 6); at++) {
      const form = forms.find(
        (f) => f.length > 0 && f.every((w, k) => recognised[at + k]?.word.toLowerCase() === w),
      );
      if (!form) continue;
      const first = recognised[at];
      const last = recognised[at + form.length - 1];
      if (first && last) times[i] = { start: first.start, end: last.end };
      next = at + form.length;
      return;
    }
  });
  const interpolated = times.filter((t) => t === undefined).length;
  const texts = tokens.map((t) => t.text);
  if (interpolated === tokens.length && activity && tokens.length > 0) {
    const spans = spreadOverSpeech(
      tokens.map((t) => Math.max(1, t.forms[0]?.join("").length ?? t.text.length)),
      activity.segments,
      { start: 0, end: audioDuration },
    );
    const words = texts.map((word, i) => ({ word, start: spans[i]?.start ?? 0, end: spans[i]?.end ?? 0 }));
    return { words: clipWords(words, Math.max(audioDuration, 0.01)), interpolated };
  }
  const filled = interpolate(texts, times, audioDuration);
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
