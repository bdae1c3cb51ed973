import { SOUNDTRACK_ENCODING } from "./audio-mix.js";
import { BASE_ARGS } from "./base-args.js";
import { num } from "./ffmpeg-escape.js";
import type { FfmpegCommand, LoudnessPlan } from "./render-plan.js";

/**
 * Loudness normalisation of the finished mix, in two passes: the mix is measured (EBU R128:
 * integrated loudness, loudness range, true peak), then one linear gain brings it to the target.
 * A single pass would have to guess and adapt as it goes, which on a short video misses the
 * target by several LU. When the gain would push the true peak past the ceiling, loudnorm
 * switches to its dynamic mode and limits the peaks instead.
 */
export const LOUDNESS_TRUE_PEAK = -1.5;
const LOUDNESS_RANGE = 11;

export function loudnessPlan(
  target: number,
  input: string,
  output: string,
  durationSeconds: number,
): LoudnessPlan {
  return { target, truePeak: LOUDNESS_TRUE_PEAK, range: LOUDNESS_RANGE, input, output, durationSeconds };
}

const loudnorm = (p: LoudnessPlan) => `loudnorm=I=${num(p.target)}:TP=${num(p.truePeak)}:LRA=${num(p.range)}`;

/** The measuring pass: ffmpeg prints loudnorm's statistics as JSON at the end of its log (info level). */
export function loudnessMeasureArgs(p: LoudnessPlan): string[] {
  return [
    "-hide_banner",
    "-nostdin",
    "-i",
    p.input,
    "-af",
    `${loudnorm(p)}:print_format=json`,
    "-f",
    "null",
    "-",
  ];
}

export interface LoudnessMeasurement {
  inputI: number;
  inputTp: number;
  inputLra: number;
  inputThresh: number;
  targetOffset: number;
}

/** The measuring pass's statistics from its log; undefined when the log holds none. */
export function parseLoudnessMeasurement(log: string): LoudnessMeasurement | undefined {
  const start = log.lastIndexOf("{");
  const end = log.lastIndexOf("}");
  if (start < 0 || end < start) return undefined;
  let stats: Record<string, string>;
  try {
    stats = JSON.parse(log.slice(start, end + 1)) as Record<string, string>;
  } catch {
    return undefined;
  }
  const value = (key: string) => Number(stats[key]);
  const m = {
    inputI: value("input_i"),
    inputTp: value("input_tp"),
    inputLra: value("input_lra"),
    inputThresh: value("input_thresh"),
    targetOffset: value("target_offset"),
  };
  return Object.values(m).every(Number.isFinite) ? m : undefined;
}

/** Silence (or near it) has no loudness to bring up: it is copied as it is. */
const SILENT_LUFS = -70;

/** The second pass: loudnorm with the measured values (linear gain when the peaks allow), AAC again. */
export function loudnessApplyCommand(
  p: LoudnessPlan,
  measured: LoudnessMeasurement | undefined,
): FfmpegCommand {
  const audible = measured !== undefined && measured.inputI > SILENT_LUFS;
  const treatment = audible
    ? [
        "-af",
        `${loudnorm(p)}:measured_I=${num(measured.inputI)}:measured_TP=${num(measured.inputTp)}:` +
          `measured_LRA=${num(measured.inputLra)}:measured_thresh=${num(measured.inputThresh)}:` +
          `offset=${num(measured.targetOffset)}:linear=true,aresample=48000`,
        ...SOUNDTRACK_ENCODING,
      ]
    : ["-c:a", "copy"];
  const args = [...BASE_ARGS, "-i", p.input, ...treatment, p.output];
  return { args, output: p.output, durationSeconds: p.durationSeconds, files: [] };
}
