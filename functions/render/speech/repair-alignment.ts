import { type AlignmentProblem, type PlacedWord, problemRanges, secondsPerPhone } from "./judge-alignment.js";
import { spreadOverSpeech } from "./spread-over-speech.js";
import type { VoiceActivity } from "./voice-activity.js";

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
  const merged = problemRanges(problems, placed.length);
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
