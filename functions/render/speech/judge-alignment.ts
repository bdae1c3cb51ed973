import { type VoiceActivity, voicedSeconds } from "./voice-activity.js";

/** A word as the decoder placed it, with the number of phones of the pronunciation it chose. */
export interface PlacedWord {
  start: number;
  end: number;
  phones: number;
}

export type ProblemKind =
  | "squeezed"
  | "unexplained-sound"
  | "word-in-silence"
  | "starts-in-pause"
  | "stretched";

/** Something a listener would not believe about an alignment, over words [first, last]. */
export interface AlignmentProblem {
  kind: ProblemKind;
  /** Index of the first and last word involved (a gap lies between `first` and `last` = first + 1). */
  first: number;
  last: number;
  /** Seconds of audio the problem spans. */
  seconds: number;
}

/** The decoder's shortest word: three 10 ms frames per phone (its HMMs have three states). */
const MIN_SECONDS_PER_PHONE = 0.03;
/**
 * Sound that begins inside a gap between two placed words (after a pause: a word starts there) is
 * speech the alignment did not explain when the next word is placed more than this much later…
 */
const MAX_ONSET_LATENESS = 0.08;
/** …and the gap holds at least this much of it (less is a stop's release, the previous word's end). */
const MIN_UNEXPLAINED_SOUND = 0.06;
/** A word this long that is this silent was put in a pause. */
const SILENT_WORD_SECONDS = 0.25;
const SILENT_WORD_SOUND_SHARE = 0.2;
/** A word whose first this many seconds are silent began in the pause before it (a stop's closure is shorter). */
const LEADING_SILENCE_SECONDS = 0.2;
/** A word this many times longer than its phones at the speaker's pace swallowed something. */
const STRETCH_FACTOR = 3.5;
const STRETCH_MIN_SECONDS = 0.6;

/**
 * Judges a decoder pass by what speech looks like, independently of the decoder's own scores (which
 * the forced grammar makes high even for a wrong path):
 * - squeezed: two or more words in a row at the decoder's minimum length (3 frames per phone) — the
 *   path ran through them to reach audio that belongs to later words;
 * - unexplained sound: sound (by frame level) that begins after a pause inside a gap between placed
 *   words (or before the first, after the last) more than 0.08 s before the next word — speech was
 *   skipped, or the next word placed late (sound that merely continues the word before the gap is
 *   that word's tail: a fricative, a release);
 * - word in silence: a word of 0.25 s or more that is mostly silent;
 * - starts in a pause: more than 0.2 s of silence from a word's start to the next sound — it
 *   swallowed the pause before it, or was placed in it;
 * - stretched: a word more than 3.5× as long as its phones take at the speaker's own pace (and over
 *   0.6 s) — it swallowed a neighbour.
 * An empty list means the pass is plausible.
 */
export function judgeAlignment(words: readonly PlacedWord[], activity: VoiceActivity): AlignmentProblem[] {
  const problems: AlignmentProblem[] = [];
  const squeezed = words.map((w) => w.end - w.start <= w.phones * MIN_SECONDS_PER_PHONE + 1e-6);
  for (let i = 0; i < words.length; ) {
    if (!squeezed[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < words.length && squeezed[j + 1]) j++;
    if (j > i) {
      problems.push({
        kind: "squeezed",
        first: i,
        last: j,
        seconds: (words[j]?.end ?? 0) - (words[i]?.start ?? 0),
      });
    }
    i = j + 1;
  }

  for (let i = 0; i <= words.length; i++) {
    const from = words[i - 1]?.end ?? 0;
    const to = words[i]?.start ?? activity.duration;
    const onsets = activity.segments.filter((s) => s.start >= from && s.start < to);
    const sound = onsets.reduce((sum, s) => sum + voicedSeconds(activity, s.start, Math.min(s.end, to)), 0);
    const lateness = to - (onsets[0]?.start ?? to);
    if (lateness > MAX_ONSET_LATENESS && sound >= MIN_UNEXPLAINED_SOUND) {
      problems.push({ kind: "unexplained-sound", first: i - 1, last: i, seconds: Math.max(sound, lateness) });
    }
  }

  const pace = secondsPerPhone(words);
  words.forEach((w, i) => {
    const length = w.end - w.start;
    if (
      length >= SILENT_WORD_SECONDS &&
      voicedSeconds(activity, w.start, w.end) < SILENT_WORD_SOUND_SHARE * length
    ) {
      problems.push({ kind: "word-in-silence", first: i, last: i, seconds: length });
    }
    // Measured past the word's own end: a short word placed wholly in a pause starts there too.
    const silence = leadingSilence(activity, w.start, w.start + 2);
    if (silence > LEADING_SILENCE_SECONDS) {
      problems.push({ kind: "starts-in-pause", first: i, last: i, seconds: silence });
    }
    if (length > STRETCH_MIN_SECONDS && length > STRETCH_FACTOR * pace * Math.max(1, w.phones)) {
      problems.push({ kind: "stretched", first: i, last: i, seconds: length });
    }
  });
  return problems;
}

/** Seconds from `from` to the first sound before `to`. */
function leadingSilence(activity: VoiceActivity, from: number, to: number): number {
  const a = Math.max(0, Math.floor(from / activity.frame));
  const b = Math.min(activity.voiced.length, Math.ceil(to / activity.frame));
  let f = a;
  while (f < b && !activity.voiced[f]) f++;
  return (f - a) * activity.frame;
}

/** The speaker's pace: median seconds per phone over the placed words. */
export function secondsPerPhone(words: readonly PlacedWord[]): number {
  const rates = words
    .filter((w) => w.phones > 0 && w.end > w.start)
    .map((w) => (w.end - w.start) / w.phones)
    .sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] ?? 0.08;
}

/** Seconds of audio the problems cover: the measure for choosing between passes (lower is better). */
export const problemSeconds = (problems: readonly AlignmentProblem[]) =>
  problems.reduce((sum, p) => sum + p.seconds, 0);

/**
 * The word ranges [first, last] the problems involve, each widened by `margin` words on both sides,
 * overlapping or touching ranges merged, in order.
 */
export function problemRanges(
  problems: readonly AlignmentProblem[],
  words: number,
  margin = 0,
): [number, number][] {
  const ranges = problems
    .map((p) => [Math.max(0, p.first - margin), Math.min(words - 1, p.last + margin)] as const)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [a, b] of ranges) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}
