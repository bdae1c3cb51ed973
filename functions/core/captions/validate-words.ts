import type { Word } from "./word.js";

/** How far past the audio's end a given word may reach (rounding in the user's tool). */
const TOLERANCE_SECONDS = 0.05;

/**
 * Problems with user-given `words`, which are used as given (no alignment corrects them): each must end at or
 * after its start, start no earlier than the previous word ends (ordered, non-overlapping) and, when the
 * audio's length is known, lie inside it. Returns messages naming the word index; empty when valid.
 */
export function validateGivenWords(words: readonly Word[], audioDuration?: number): string[] {
  const problems: string[] = [];
  words.forEach((w, i) => {
    if (w.end < w.start)
      problems.push(`words[${i}] ("${w.word}") ends (${w.end}s) before it starts (${w.start}s)`);
    const prev = words[i - 1];
    if (prev && w.start < prev.end - 1e-9) {
      problems.push(
        `words[${i}] ("${w.word}") starts at ${w.start}s, before words[${i - 1}] ends (${prev.end}s)`,
      );
    }
    if (audioDuration !== undefined && w.end > audioDuration + TOLERANCE_SECONDS) {
      problems.push(
        `words[${i}] ("${w.word}") ends at ${w.end}s, after the audio ends (${audioDuration.toFixed(2)}s)`,
      );
    }
  });
  return problems;
}
