import type { Pcm } from "./wav-pcm.js";

/** Where there is sound, frame by frame: the energy-based view of a narration. */
export interface VoiceActivity {
  /** Seconds per frame. */
  frame: number;
  /** 1 where the frame's level is above the speech threshold. */
  voiced: Uint8Array;
  /** Stretches of sound (short dips inside words bridged), in seconds, ordered. */
  segments: { start: number; end: number }[];
  /** Seconds of audio. */
  duration: number;
}

const FRAME_SECONDS = 0.01;
/** A frame is sound when its level is this close to the loud frames… */
const BELOW_PEAK_DB = 40;
/** …and this far above the noise floor (recordings with hiss or a room tone). */
const ABOVE_FLOOR_DB = 12;
/** Silences shorter than this (a stop consonant's closure) do not split a stretch of sound. */
const MIN_PAUSE_SECONDS = 0.06;
/** Sound shorter than this (a click) is not a stretch of sound. */
const MIN_SOUND_SECONDS = 0.03;

const percentile = (sorted: Float64Array, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(p * (sorted.length - 1))))] ?? 0;

/**
 * Voice activity by frame level (10 ms RMS in dB): sound is what stands out from the noise floor and
 * comes within 40 dB of the loud frames. It needs no model and no language, which is the point: it
 * checks the recogniser's placements, and places words where no recogniser applies.
 */
export function detectVoiceActivity(pcm: Pcm): VoiceActivity {
  const rate = pcm.rate || 16000;
  const size = Math.max(1, Math.round(rate * FRAME_SECONDS));
  const count = Math.floor(pcm.samples.length / size);
  const levels = new Float64Array(count);
  for (let f = 0; f < count; f++) {
    let sum = 0;
    for (let i = f * size; i < (f + 1) * size; i++) {
      const s = pcm.samples[i] ?? 0;
      sum += s * s;
    }
    levels[f] = 10 * Math.log10(sum / size + 1e-9);
  }
  const sorted = Float64Array.from(levels).sort();
  const floor = percentile(sorted, 0.1);
  const peak = percentile(sorted, 0.99);
  const threshold = Math.max(floor + ABOVE_FLOOR_DB, peak - BELOW_PEAK_DB);
  const voiced = new Uint8Array(count);
  for (let f = 0; f < count; f++) voiced[f] = (levels[f] ?? 0) > threshold ? 1 : 0;

  const segments: VoiceActivity["segments"] = [];
  let f = 0;
  while (f < count) {
    if (!voiced[f]) {
      f++;
      continue;
    }
    const start = f;
    let end = f;
    let quiet = 0;
    for (f++; f < count; f++) {
      if (voiced[f]) {
        end = f;
        quiet = 0;
      } else if (++quiet * FRAME_SECONDS >= MIN_PAUSE_SECONDS) break;
    }
    if ((end + 1 - start) * FRAME_SECONDS >= MIN_SOUND_SECONDS) {
      segments.push({ start: start * FRAME_SECONDS, end: (end + 1) * FRAME_SECONDS });
    }
  }
  return { frame: FRAME_SECONDS, voiced, segments, duration: pcm.samples.length / rate };
}

/** Seconds of sound between `from` and `to`. */
export function voicedSeconds(activity: VoiceActivity, from: number, to: number): number {
  const a = Math.max(0, Math.floor(from / activity.frame));
  const b = Math.min(activity.voiced.length, Math.ceil(to / activity.frame));
  let n = 0;
  for (let f = a; f < b; f++) n += activity.voiced[f] ?? 0;
  return n * activity.frame;
}
