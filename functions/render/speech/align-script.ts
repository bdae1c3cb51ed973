import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Word } from "../../core/captions/word.js";
import {
  type AlignmentProblem,
  judgeAlignment,
  type PlacedWord,
  problemRanges,
  problemSeconds,
} from "./judge-alignment.js";
import { mapOntoScript } from "./map-onto-script.js";
import { DEFAULT_SPHINX_DICT, loadDictionary } from "./pronunciation-dictionary.js";
import { repairImplausible } from "./repair-alignment.js";
import { tokenizeScript } from "./script-tokens.js";
import {
  ALIGNMENT_PASSES,
  type AlignmentPassName,
  type DecodeOptions,
  decodeWithGrammar,
  type SphinxWord,
} from "./sphinx-decoder.js";
import { buildGrammar, buildScriptDictionary, type ScriptDictionary } from "./sphinx-grammar.js";
import { detectVoiceActivity, type VoiceActivity } from "./voice-activity.js";
import { encodeWavPcm, type Pcm, readWavPcm } from "./wav-pcm.js";

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
 * the stretches of audio around implausibly placed words are decoded again with a wider search (the
 * whole file when the first pass found nothing), the more plausible placement wins, and words still
 * placed implausibly are re-placed over the stretches of sound around them. Recognised words
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

/** How the alignment was reached: kept with the cached timings. */
export interface AlignmentReport {
  /** The pass whose placement was used ("wide": the retry improved on the first pass). */
  pass: AlignmentPassName | "none";
  /**
   * Each pass run: seconds of audio it decoded (the retry decodes only the stretches around the
   * first pass's problems), words it placed, and what the plausibility check found in the whole
   * alignment after it.
   */
  passes: {
    name: AlignmentPassName;
    seconds: number;
    words: number;
    problems: number;
    problemSeconds: number;
  }[];
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
  const pcm = readWavPcm(await readFile(wavPath));
  const activity = detectVoiceActivity(pcm);
  const grammarWords = tokens.flatMap((t) => t.forms.flat());
  const report: AlignmentReport = { pass: "none", passes: [], repaired: 0 };
  let recognised: SphinxWord[] = [];
  if (grammarWords.length > 0) {
    const base = join(o.workDir, `script-${process.pid}-${Date.now().toString(36)}`);
    const files = { gram: `${base}.gram`, dict: `${base}.dict`, base };
    const scriptDictionary = buildScriptDictionary(grammarWords, dictionary);
    await writeFile(files.gram, buildGrammar(tokens.map((t) => t.forms)));
    await writeFile(files.dict, scriptDictionary.text);
    const decoder: DecodeOptions = {
      pocketsphinxPath: o.pocketsphinxPath ?? DEFAULT_POCKETSPHINX,
      hmmDir: o.hmmDir,
      timeoutMs: o.timeoutMs,
      signal: o.signal,
    };
    try {
      const best = await decodeJudged({ wavPath, pcm, activity, files, scriptDictionary, decoder, report });
      if (best.recognised.length > 0) {
        report.repaired = repairImplausible(best.placed, best.problems, activity);
        recognised = best.recognised.map((w, i) => ({ ...w, ...timesOf(best.placed[i]) }));
      }
    } finally {
      await Promise.all([rm(files.gram, { force: true }), rm(files.dict, { force: true })]);
    }
  }
  if (recognised.length === 0) report.pass = "none";
  const { words, interpolated } = mapOntoScript(tokens, recognised, o.audioDuration, activity);
  if (grammarWords.length > 0 && recognised.length === 0) {
    warnings.push(
      "forced alignment found no match between the script and the audio; captions are spread over the stretches of speech by word length",
    );
  }
  return { words, warnings, interpolated, report };
}

const timesOf = (p: PlacedWord | undefined) => (p ? { start: p.start, end: p.end } : {});

interface Placement {
  recognised: SphinxWord[];
  placed: PlacedWord[];
  problems: AlignmentProblem[];
}

interface DecodeContext {
  wavPath: string;
  pcm: Pcm;
  activity: VoiceActivity;
  files: { gram: string; dict: string; base: string };
  scriptDictionary: ScriptDictionary;
  decoder: DecodeOptions;
  report: AlignmentReport;
}

/** Words a retry window reaches beyond the implausible ones, so it starts and ends on trusted words. */
const RETRY_MARGIN_WORDS = 2;

/**
 * The first pass over the whole file; when it is implausible, the retry: the whole file again when
 * the first pass placed nothing, else only the stretches around its problems, each against the words
 * the first pass placed there. The retry's placement is kept when the whole alignment is then more
 * plausible.
 */
async function decodeJudged(c: DecodeContext): Promise<Placement> {
  const [first, wide] = ALIGNMENT_PASSES;
  const place = (recognised: SphinxWord[]): Placement => {
    const placed = recognised.map((w) => ({
      start: w.start,
      end: w.end,
      phones: c.scriptDictionary.phones.get(w.word)?.[w.variant] ?? 3,
    }));
    // A pass that placed nothing is the least plausible of all.
    const problems =
      recognised.length > 0
        ? judgeAlignment(placed, c.activity)
        : [{ kind: "unexplained-sound" as const, first: -1, last: 0, seconds: c.activity.duration }];
    return { recognised, placed, problems };
  };
  const note = (name: AlignmentPassName, seconds: number, words: number, p: Placement) => {
    c.report.passes.push({
      name,
      seconds: Number(seconds.toFixed(2)),
      words,
      problems: p.problems.length,
      problemSeconds: Number(problemSeconds(p.problems).toFixed(3)),
    });
  };
  let best = place(await decodeWithGrammar(c.wavPath, c.files.gram, c.files.dict, first.args, c.decoder));
  note(first.name, c.activity.duration, best.recognised.length, best);
  c.report.pass = first.name;
  if (best.problems.length === 0) return best;

  let retried: Placement;
  if (best.recognised.length === 0) {
    const again = await decodeWithGrammar(c.wavPath, c.files.gram, c.files.dict, wide.args, c.decoder);
    retried = place(again);
    note(wide.name, c.activity.duration, again.length, retried);
  } else {
    const { recognised, seconds, words } = await retryWindows(best, c);
    retried = place(recognised);
    note(wide.name, seconds, words, retried);
  }
  if (problemSeconds(retried.problems) < problemSeconds(best.problems)) {
    best = retried;
    c.report.pass = wide.name;
  }
  return best;
}

/**
 * Decodes again, with the wide settings, each stretch of audio around the first pass's problems,
 * bounded by the trusted words around it, against a grammar of the words placed there; a window
 * whose words all come back takes the new times.
 */
async function retryWindows(
  first: Placement,
  c: DecodeContext,
): Promise<{ recognised: SphinxWord[]; seconds: number; words: number }> {
  const [, wide] = ALIGNMENT_PASSES;
  const recognised = first.recognised.map((w) => ({ ...w }));
  let seconds = 0;
  let words = 0;
  for (const [a, b] of problemRanges(first.problems, recognised.length, RETRY_MARGIN_WORDS)) {
    const from = recognised[a - 1]?.end ?? 0;
    const to = recognised[b + 1]?.start ?? c.activity.duration;
    if (to - from < 0.1) continue;
    const wav = `${c.files.base}-retry-${a}.wav`;
    const gram = `${c.files.base}-retry-${a}.gram`;
    const expected = recognised.slice(a, b + 1);
    const rate = c.pcm.rate;
    await writeFile(
      wav,
      encodeWavPcm({ rate, samples: c.pcm.samples.subarray(Math.floor(from * rate), Math.ceil(to * rate)) }),
    );
    await writeFile(gram, buildGrammar(expected.map((w) => [[w.word]])));
    try {
      const again = await decodeWithGrammar(wav, gram, c.files.dict, wide.args, c.decoder);
      seconds += to - from;
      words += again.length;
      if (again.length !== expected.length || again.some((w, k) => w.word !== expected[k]?.word)) continue;
      again.forEach((w, k) => {
        recognised[a + k] = { ...w, start: w.start + from, end: w.end + from };
      });
    } finally {
      await Promise.all([rm(wav, { force: true }), rm(gram, { force: true })]);
    }
  }
  return { recognised, seconds, words };
}
