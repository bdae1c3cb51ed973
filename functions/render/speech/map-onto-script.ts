import { clipWords } from "../../core/captions/clip-words.js";
import type { Word } from "../../core/captions/word.js";
import type { ScriptToken } from "./script-tokens.js";
import { missingRuns, spreadOverSpeech } from "./spread-over-speech.js";
import type { VoiceActivity } from "./voice-activity.js";

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
  for (const [i, j] of missingRuns(times)) {
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
  }
  return out;
}
