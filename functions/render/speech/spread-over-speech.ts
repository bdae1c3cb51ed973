/** A stretch of time, seconds. */
export interface Span {
  start: number;
  end: number;
}

/** Longest run of words, and of stretches of sound, one group may take. */
const MAX_GROUP_WORDS = 40;
const MAX_GROUP_SEGMENTS = 6;
/** The longest pause inside one word (a stop consonant's closure in slow speech). */
const MAX_PAUSE_IN_WORD = 0.25;
/** What a pause where the script has none (or none where it has one) costs, in seconds of mismatch. */
const BREAK_SECONDS = 0.15;
/** A word's sound may trail this long after the recogniser's end for it (a fricative, a slow vowel). */
const TAIL_SECONDS = 0.3;

/**
 * Places words in order over the stretches of sound inside `window`, when nothing better knows where
 * they are: consecutive words share a stretch, or one word spans consecutive stretches (a pause
 * inside it), so that each group's sound matches its words' expected length (`secondsPerUnit` ×
 * weight; by default the sound's length over the total weight, i.e. the speaker's own pace), and
 * inside a group the words share the sound by weight. A stretch no word fits is left unused (a
 * cough, a breath). Weights: phones, syllables or characters, whatever measures a word's length.
 * `pauseAfter` (0–1 per word, e.g. 1 after a full stop, 0.6 after a comma) makes a silence between
 * stretches likelier where the script's punctuation marks one.
 *
 * Returns one span per weight, ordered, non-overlapping and inside `window`.
 */
export function spreadOverSpeech(
  weights: readonly number[],
  segments: readonly Span[],
  window: Span,
  o: { secondsPerUnit?: number | undefined; pauseAfter?: readonly number[] } = {},
): Span[] {
  const k = weights.length;
  if (k === 0) return [];
  let sound = segments
    .map((s) => ({ start: Math.max(s.start, window.start), end: Math.min(s.end, window.end) }))
    .filter((s) => s.end > s.start);
  // Sound that began before the window may be the tail of the word before it: leaving up to
  // TAIL_SECONDS of it unused is free.
  const tail =
    segments.find((s) => s.start < window.start && s.end > window.start) && sound.length > 0 ? 1 : 0;
  if (sound.length === 0) sound = [{ start: window.start, end: Math.max(window.start, window.end) }];
  const m = sound.length;
  const w = weights.map((x) => Math.max(0.1, x));
  const prefixW = [0];
  for (const x of w) prefixW.push((prefixW[prefixW.length - 1] ?? 0) + x);
  const prefixS = [0];
  for (const s of sound) prefixS.push((prefixS[prefixS.length - 1] ?? 0) + s.end - s.start);
  const totalW = prefixW[k] ?? 1;
  const unit = o.secondsPerUnit ?? (prefixS[m] ?? 0) / totalW;
  const pauses = o.pauseAfter;
  const prefixP = [0];
  for (let i = 0; i < k; i++) prefixP.push((prefixP[i] ?? 0) + (pauses?.[i] ?? 0));
  // Punctuation's say on a group of words [i, i2): likely pauses inside it, an unlikely one after it.
  const breakCost = (i: number, i2: number) => {
    if (!pauses || i2 === i) return 0;
    const inside = (prefixP[i2 - 1] ?? 0) - (prefixP[i] ?? 0);
    const after = i2 < k ? 1 - (pauses[i2 - 1] ?? 0) : 0;
    return BREAK_SECONDS * (inside + after);
  };

  // best[i][j]: least cost placing the first i words on the first j stretches.
  const best = Array.from({ length: k + 1 }, () => new Float64Array(m + 1).fill(Number.POSITIVE_INFINITY));
  const from = Array.from({ length: k + 1 }, () => new Int32Array(2 * (m + 1)).fill(-1));
  (best[0] as Float64Array)[0] = 0;
  for (let i = 0; i <= k; i++) {
    for (let j = 0; j < m; j++) {
      const here = best[i]?.[j] ?? Number.POSITIVE_INFINITY;
      if (!Number.isFinite(here)) continue;
      for (let j2 = j + 1; j2 <= Math.min(m, j + MAX_GROUP_SEGMENTS); j2++) {
        const pause = (sound[j2 - 1]?.start ?? 0) - (sound[j2 - 2]?.end ?? 0);
        if (j2 - j > 1 && pause > MAX_PAUSE_IN_WORD) break;
        const seconds = (prefixS[j2] ?? 0) - (prefixS[j] ?? 0);
        // Several words share one stretch, or one word spans several (a short pause inside it), never
        // both: a silence between stretches is a word boundary unless a single word holds it.
        const maxWords = j2 - j > 1 ? 1 : MAX_GROUP_WORDS;
        for (let i2 = i; i2 <= Math.min(k, i + maxWords); i2++) {
          // An empty group leaves sound unexplained; a group's words should fill its sound.
          const expected = ((prefixW[i2] ?? 0) - (prefixW[i] ?? 0)) * unit;
          const tailOnly = i2 === i && j === 0 && j2 === tail;
          const cost =
            here +
            (tailOnly ? Math.max(0, seconds - TAIL_SECONDS) : Math.abs(seconds - expected)) +
            breakCost(i, i2);
          const row = best[i2] as Float64Array;
          if (cost < (row[j2] ?? Number.POSITIVE_INFINITY)) {
            row[j2] = cost;
            const back = from[i2] as Int32Array;
            back[2 * j2] = i;
            back[2 * j2 + 1] = j;
          }
        }
      }
    }
  }

  const out: Span[] = new Array(k);
  if (!Number.isFinite(best[k]?.[m] ?? Number.POSITIVE_INFINITY)) {
    placeInGroup(w, 0, k, sound, out);
    return out;
  }
  let i = k;
  let j = m;
  while (i > 0 || j > 0) {
    const back = from[i] as Int32Array;
    const pi = back[2 * j] ?? 0;
    const pj = back[2 * j + 1] ?? 0;
    if (pi < i) placeInGroup(w, pi, i, sound.slice(pj, j), out);
    i = pi;
    j = pj;
  }
  return out;
}

/** Words [a, b) share the sound of `stretches` by weight, silences between stretches skipped. */
function placeInGroup(w: readonly number[], a: number, b: number, stretches: readonly Span[], out: Span[]) {
  const total = w.slice(a, b).reduce((x, y) => x + y, 0);
  const sound = stretches.reduce((x, s) => x + s.end - s.start, 0);
  // Time on the clock at `offset` seconds into the sound; at a stretch's end, the next one's start.
  const clock = (offset: number, atStart: boolean) => {
    let left = offset;
    for (const [n, s] of stretches.entries()) {
      const len = s.end - s.start;
      if (left < len - 1e-9) return s.start + left;
      if (left <= len + 1e-9) return atStart ? (stretches[n + 1]?.start ?? s.end) : s.end;
      left -= len;
    }
    return stretches[stretches.length - 1]?.end ?? 0;
  };
  let done = 0;
  for (let n = a; n < b; n++) {
    const next = done + (w[n] ?? 0);
    out[n] = { start: clock((sound * done) / total, true), end: clock((sound * next) / total, false) };
    done = next;
  }
}

/** The runs [i, j) of consecutive missing entries, in order: the words nothing placed. */
export function missingRuns(items: readonly unknown[]): [number, number][] {
  const runs: [number, number][] = [];
  for (let i = 0; i < items.length; ) {
    if (items[i] !== undefined) {
      i++;
      continue;
    }
    let j = i;
    while (j < items.length && items[j] === undefined) j++;
    runs.push([i, j]);
    i = j;
  }
  return runs;
}
