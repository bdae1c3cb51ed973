/**
 * One spoken word with its time span in seconds. Where it is relative to depends on the stage:
 * recognisers and aligners return times in the captioned audio; the planner works with times
 * relative to the scene start (audio time + the audio element's `start`), see `offsetWords`.
 */
export interface Word {
  word: string;
  start: number;
  end: number;
}

/** The same words moved by `seconds` (e.g. from audio time to scene time). */
export function offsetWords(words: readonly Word[], seconds: number): Word[] {
  return words.map((w) => ({ word: w.word, start: w.start + seconds, end: w.end + seconds }));
}
