import type { Word } from "../../core/captions/word.js";
import { missingRuns, type Span, spreadOverSpeech } from "./spread-over-speech.js";
import type { VoiceActivity } from "./voice-activity.js";

/**
 * How long a token takes to say, in rough units: its syllables plus half a unit per letter of an
 * alphabet (a long syllable such as "steigt" takes longer than "die"). Good enough to share a
 * stretch of speech between its words.
 */
function spokenLength(token: string): number {
  const letters = (token.replace(SYLLABIC, "").match(/\p{L}/gu) ?? []).length;
  return syllableCount(token) + 0.5 * letters;
}

/** Han, kana and Hangul: one syllable (or mora) per character. */
const SYLLABIC = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
/** Vowel letters of the Latin, Cyrillic and Greek alphabets (accents already stripped). */
const VOWEL_GROUP = /[aeiouyæøœаеёиоуыэюяіїєαεηιουω]+/gu;

/**
 * About how many syllables a token has, in any script: characters of syllabic scripts, vowel groups
 * of alphabets, and for scripts that write few vowels (Arabic, Hebrew, Indic, Thai) one syllable per
 * two and a half letters; digits count one and a half each. It only needs to be proportional to
 * how long the token takes to say.
 */
export function syllableCount(token: string): number {
  const t = token.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  let n = (t.match(SYLLABIC) ?? []).length;
  const rest = t.replace(SYLLABIC, "");
  const vowels = (rest.match(VOWEL_GROUP) ?? []).length;
  const letters = (rest.match(/\p{L}/gu) ?? []).length;
  n += vowels > 0 ? vowels : Math.ceil(letters / 2.5);
  n += 1.5 * (rest.match(/\p{N}/gu) ?? []).length;
  return Math.max(1, n);
}

/** How likely the script's punctuation makes a pause after a token: a sentence's end, a clause's. */
export function pauseAfter(token: string): number {
  if (/[.!?。！？…]["'”’»)\]]*$/u.test(token)) return 1;
  if (/[,;:，、；：—–]["'”’»)\]]*$/u.test(token)) return 0.6;
  return 0;
}

/** Letters and digits only, lower case, accents stripped: what a transcript and a script share. */
const comparable = (s: string) => [
  ...s
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, ""),
];

/** Most DP cells one alignment may use (a byte each); longer inputs are aligned in proportional parts. */
const MAX_CELLS = 40_000_000;

/**
 * Matches two character sequences in order (edit-distance alignment in a band around the diagonal):
 * `match[i]` is the index in `b` that `a[i]` equals, or -1.
 */
export function matchCharacters(a: readonly string[], b: readonly string[]): Int32Array {
  const match = new Int32Array(a.length).fill(-1);
  if (a.length === 0 || b.length === 0) return match;
  const band = Math.max(32, Math.abs(a.length - b.length) + Math.ceil(0.1 * Math.max(a.length, b.length)));
  const parts = Math.max(1, Math.ceil((a.length * (2 * band + 1)) / MAX_CELLS));
  for (let p = 0; p < parts; p++) {
    const [a0, a1] = [Math.floor((p * a.length) / parts), Math.floor(((p + 1) * a.length) / parts)];
    const [b0, b1] = [Math.floor((p * b.length) / parts), Math.floor(((p + 1) * b.length) / parts)];
    alignPart(a, b, a0, a1, b0, b1, Math.ceil(band / parts) + 32, match);
  }
  return match;
}

function alignPart(
  a: readonly string[],
  b: readonly string[],
  a0: number,
  a1: number,
  b0: number,
  b1: number,
  band: number,
  match: Int32Array,
): void {
  const n = a1 - a0;
  const m = b1 - b0;
  const width = 2 * band + 1;
  // Column offset of row i's band: j runs from diag(i) - band to diag(i) + band.
  const diag = (i: number) => Math.round((i * m) / Math.max(1, n));
  const INF = 1 << 29;
  let prev = new Int32Array(width).fill(INF);
  let cur = new Int32Array(width).fill(INF);
  // 0 diagonal, 1 up (skip a), 2 left (skip b).
  const moves = new Uint8Array((n + 1) * width);
  for (let k = 0; k < width; k++) {
    const j = diag(0) - band + k;
    if (j >= 0 && j <= m) {
      prev[k] = j;
      moves[k] = 2;
    }
  }
  for (let i = 1; i <= n; i++) {
    cur.fill(INF);
    const d = diag(i) - band;
    const dp = diag(i - 1) - band;
    for (let k = 0; k < width; k++) {
      const j = d + k;
      if (j < 0 || j > m) continue;
      let best = INF;
      let move = 0;
      const up = j - dp;
      if (up >= 0 && up < width && (prev[up] ?? INF) + 1 < best) {
        best = (prev[up] ?? INF) + 1;
        move = 1;
      }
      if (j > 0) {
        const di = j - 1 - dp;
        if (di >= 0 && di < width) {
          const cost = (prev[di] ?? INF) + (a[a0 + i - 1] === b[b0 + j - 1] ? 0 : 1);
          if (cost < best) {
            best = cost;
            move = 0;
          }
        }
        if (k > 0 && (cur[k - 1] ?? INF) + 1 < best) {
          best = (cur[k - 1] ?? INF) + 1;
          move = 2;
        }
      }
      cur[k] = best;
      moves[i * width + k] = move;
    }
    [prev, cur] = [cur, prev];
  }
  let i = n;
  let j = m;
  while (i > 0 && j >= 0) {
    const k = j - (diag(i) - band);
    if (k < 0 || k >= width) break;
    const move = moves[i * width + k];
    if (move === 0 && j > 0) {
      if (a[a0 + i - 1] === b[b0 + j - 1]) match[a0 + i - 1] = b0 + j - 1;
      i--;
      j--;
    } else if (move === 1) i--;
    else if (j > 0) j--;
    else i--;
  }
}

/** A token counts as found when at least this share of its characters matched the transcript. */
const MIN_TOKEN_MATCH = 0.5;

/**
 * Times a known script from a recogniser's transcript of the same speech in any language: the
 * script's and the transcript's characters are matched in order (so differing word splits, as in
 * Chinese or Japanese, do not matter), a script token most of whose characters were heard takes
 * their times, and the tokens in between are spread by syllable count over the stretches of sound
 * between those anchors (see `spokenLength`). `matched` is the share of tokens that took the
 * transcript's times.
 */
export function timeScriptFromTranscript(
  tokens: readonly string[],
  transcript: readonly Word[],
  activity: VoiceActivity,
): { words: Word[]; matched: number } {
  const scriptChars: string[] = [];
  const owner: number[] = [];
  tokens.forEach((t, i) => {
    for (const c of comparable(t)) {
      scriptChars.push(c);
      owner.push(i);
    }
  });
  const heard: string[] = [];
  const at: Span[] = [];
  for (const w of transcript) {
    const chars = comparable(w.word);
    chars.forEach((c, k) => {
      heard.push(c);
      const step = (w.end - w.start) / chars.length;
      at.push({ start: w.start + k * step, end: w.start + (k + 1) * step });
    });
  }
  const match = matchCharacters(scriptChars, heard);
  const spans: (Span | undefined)[] = tokens.map(() => undefined);
  const total = tokens.map(() => 0);
  const found = tokens.map(() => 0);
  const first = tokens.map(() => -1);
  const last = tokens.map(() => -1);
  scriptChars.forEach((_, c) => {
    const t = owner[c] ?? 0;
    total[t] = (total[t] ?? 0) + 1;
    const h = match[c] ?? -1;
    const time = h >= 0 ? at[h] : undefined;
    if (!time) return;
    found[t] = (found[t] ?? 0) + 1;
    if ((first[t] ?? -1) < 0) first[t] = h;
    last[t] = h;
    const s = spans[t];
    spans[t] = s ? { start: Math.min(s.start, time.start), end: Math.max(s.end, time.end) } : { ...time };
  });
  tokens.forEach((_, t) => {
    const n = Math.max(1, total[t] ?? 0);
    // Heard means most of its characters, close together: not letters picked from far apart.
    const spread = (last[t] ?? 0) - (first[t] ?? 0) + 1;
    if ((found[t] ?? 0) < MIN_TOKEN_MATCH * n || spread > 2 * n + 2) spans[t] = undefined;
  });
  // Anchors must run forward in time; a token that would step back is spread instead.
  let until = 0;
  tokens.forEach((_, t) => {
    const s = spans[t];
    if (!s) return;
    if (s.start < until) spans[t] = undefined;
    else until = s.end;
  });
  const matched = spans.filter(Boolean).length / Math.max(1, tokens.length);
  return { words: fillBetweenAnchors(tokens, spans, activity), matched };
}

/**
 * Words for `tokens`: anchored ones at their spans, each run of others spread by spoken length over
 * the sound between the anchors around it (over all the audio when there are none), pauses
 * preferred where the script's punctuation has them.
 */
export function fillBetweenAnchors(
  tokens: readonly string[],
  spans: readonly (Span | undefined)[],
  activity: VoiceActivity,
): Word[] {
  const out: Word[] = tokens.map((word, i) => ({
    word,
    start: spans[i]?.start ?? 0,
    end: spans[i]?.end ?? 0,
  }));
  for (const [i, j] of missingRuns(tokens.map((_, t) => spans[t]))) {
    const window = { start: spans[i - 1]?.end ?? 0, end: spans[j]?.start ?? activity.duration };
    const run = tokens.slice(i, j);
    const placed = spreadOverSpeech(run.map(spokenLength), activity.segments, window, {
      pauseAfter: run.map(pauseAfter),
    });
    placed.forEach((s, k) => {
      const w = out[i + k];
      if (w) {
        w.start = s.start;
        w.end = s.end;
      }
    });
  }
  return out;
}
