import type { DuckingInput } from "../schema/sound-schema.js";
import { num } from "./ffmpeg-escape.js";

export interface Ducking {
  /** How far the music goes down, dB. */
  amountDb: number;
  /** Seconds it takes to go down, ending where the narration starts. */
  attack: number;
  /** Seconds it takes to come back once the narration has ended. */
  release: number;
}

export const DUCKING_DEFAULTS: Readonly<Ducking> = Object.freeze({ amountDb: 12, attack: 0.3, release: 0.6 });

export function duckingOf(input: DuckingInput): Ducking {
  const o = input === true ? {} : input;
  return {
    amountDb: o.amount_db ?? DUCKING_DEFAULTS.amountDb,
    attack: o.attack ?? DUCKING_DEFAULTS.attack,
    release: o.release ?? DUCKING_DEFAULTS.release,
  };
}

/** Seconds on the output timeline while narration plays. */
export interface Window {
  start: number;
  end: number;
}

/** A ramp shorter than this is a step (and keeps the expression free of a division by zero). */
const MIN_RAMP = 0.001;
/** The gain is evaluated for every block of this many samples (5 ms at 48 kHz): no audible steps. */
const GAIN_BLOCK_SAMPLES = 256;

/**
 * The filters that duck a music track under the narration windows, for a track that starts at
 * `trackStart` on the output timeline (its filters see their own time).
 *
 * A volume envelope, not a sidechain compressor: the planner knows exactly when narration plays,
 * so the music starts going down `attack` seconds before the first word instead of reacting after
 * it, holds one level through the pauses between sentences (no pumping), and comes back `release`
 * seconds after the narration ends. Windows closer together than a ramp down and up are merged.
 * The ramps are linear in dB; the gain is recomputed every 256 samples.
 */
export function duckingFilters(windows: readonly Window[], trackStart: number, ducking: Ducking): string[] {
  const attack = Math.max(MIN_RAMP, ducking.attack);
  const release = Math.max(MIN_RAMP, ducking.release);
  const merged: Window[] = [];
  for (const w of [...windows].sort((a, b) => a.start - b.start)) {
    const last = merged.at(-1);
    if (last && w.start - last.end < attack + release) last.end = Math.max(last.end, w.end);
    else merged.push({ ...w });
  }
  if (merged.length === 0) return [];
  // Merged windows never share a ramp, so the ducked share is the sum of each window's share.
  const share = merged
    .map((w) => {
      const from = w.start - trackStart - attack;
      const down = `clip((t${from < 0 ? "+" : "-"}${num(Math.abs(from))})/${num(attack)},0,1)`;
      const up = `clip((${num(w.end - trackStart + release)}-t)/${num(release)},0,1)`;
      return `min(${down},${up})`;
    })
    .join("+");
  return [
    `asetnsamples=n=${GAIN_BLOCK_SAMPLES}:p=0`,
    `volume='pow(10,-${num(ducking.amountDb)}*(${share})/20)':eval=frame`,
  ];
}
