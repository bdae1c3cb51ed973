import type { AudioElementInput, VideoElementInput } from "../schema/request-schema.js";
import { BASE_ARGS } from "./base-args.js";
import { clipInput } from "./clip-input.js";
import { num } from "./ffmpeg-escape.js";
import type { FfmpegCommand, SourceInfo } from "./render-plan.js";
import { sourceInputArgs } from "./source-input.js";

/** One audible input of the mix, placed on the output timeline. */
export interface AudioTrack {
  at: string;
  /** Input options ending with `-i <path>`. */
  inputArgs: string[];
  /** Trim/volume/fade filters, before the track is delayed to `start`. */
  filters: string[];
  /** Seconds on the output timeline where the track begins. */
  start: number;
  /** Seconds it plays. */
  length: number;
}

const SAMPLE_RATE = 48000;
/** How the soundtrack is encoded, by the mix and again by the loudness step (loudness.ts). */
export const SOUNDTRACK_ENCODING: readonly string[] = [
  // Half the CPU of the default coder at the same size and no lower signal-to-noise ratio on
  // narration or music (measured by bench/run.ts).
  "-aac_coder",
  "fast",
  "-c:a",
  "aac",
  "-b:a",
  "192k",
  "-ar",
  String(SAMPLE_RATE),
  "-ac",
  "2",
];
/** Every track is brought to one format so `adelay`'s per-channel list always has two entries. */
const TRACK_FORMAT = `aformat=sample_fmts=fltp:sample_rates=${SAMPLE_RATE}:channel_layouts=stereo`;

interface Fades {
  fade_in?: number | undefined;
  fade_out?: number | undefined;
}

function levelAndFades(volume: number, fades: Fades, length: number): string[] {
  const filters = [TRACK_FORMAT, `volume=${num(volume)}`];
  if (fades.fade_in) filters.push(`afade=t=in:st=0:d=${num(fades.fade_in)}`);
  if (fades.fade_out) {
    filters.push(`afade=t=out:st=${num(Math.max(0, length - fades.fade_out))}:d=${num(fades.fade_out)}`);
  }
  return filters;
}

/**
 * Narration or a sound effect inside a scene. It is cut at the scene's end as well as at its own
 * `duration`: a scene given a shorter duration than its audio must not talk over the next one.
 */
export function sceneAudioTrack(
  el: AudioElementInput,
  source: SourceInfo,
  at: string,
  sceneStart: number,
  sceneDuration: number,
): AudioTrack | undefined {
  const start = el.start ?? 0;
  const room = sceneDuration - start;
  if (room <= 0) return undefined;
  const length = Math.min(el.duration ?? Number.POSITIVE_INFINITY, source.durationSeconds ?? room, room);
  return {
    at,
    inputArgs: sourceInputArgs(source),
    filters: [
      `atrim=duration=${num(length)}`,
      "asetpts=PTS-STARTPTS",
      ...levelAndFades(el.volume ?? 1, el, length),
    ],
    start: sceneStart + start,
    length,
  };
}

/** The sound of a video layer, read exactly like its picture (same offset, looping and window). */
export function videoAudioTrack(
  el: VideoElementInput,
  source: SourceInfo,
  at: string,
  volume: number,
  window: { start: number; length: number; elapsed: number },
): AudioTrack | undefined {
  const input = clipInput(source, el.loop ?? true, window.elapsed, window.length);
  if (!input) return undefined;
  return {
    at,
    inputArgs: input.args,
    filters: levelAndFades(volume, el, input.playable),
    start: window.start,
    length: input.playable,
  };
}

/** Background music: loops when shorter than its window, which runs to the end of the video unless `duration` says otherwise. */
export function musicTrack(
  el: AudioElementInput,
  source: SourceInfo,
  at: string,
  totalDuration: number,
): AudioTrack | undefined {
  const start = el.start ?? 0;
  const length = Math.min(el.duration ?? Number.POSITIVE_INFINITY, totalDuration - start);
  if (length <= 0) return undefined;
  const loop = source.durationSeconds === undefined || source.durationSeconds < length;
  const input = clipInput(source, loop, 0, length);
  if (!input) return undefined;
  return {
    at,
    inputArgs: input.args,
    filters: levelAndFades(el.volume ?? 1, el, input.playable),
    start,
    length: input.playable,
  };
}

/**
 * The whole soundtrack in one pass, against the frame-aligned scene starts. A silent bed of
 * exactly the video's length comes first and `duration=first` ends the mix with it, so the file
 * exists (and has the right length) even when nothing is audible. `normalize=0` keeps each
 * track at the volume the user asked for instead of dividing by the number of inputs.
 */
export function audioMixCommand(
  tracks: readonly AudioTrack[],
  totalDuration: number,
  output: string,
): FfmpegCommand {
  const total = num(totalDuration);
  const inputs = ["-f", "lavfi", "-t", total, "-i", `anullsrc=r=${SAMPLE_RATE}:cl=stereo`];
  const graph: string[] = [];
  const labels = ["[0:a]"];
  tracks.forEach((track, i) => {
    const input = i + 1;
    inputs.push(...track.inputArgs);
    const ms = Math.round(track.start * 1000);
    graph.push(`[${input}:a]${[...track.filters, `adelay=${ms}|${ms}`].join(",")}[a${input}]`);
    labels.push(`[a${input}]`);
  });
  const mix = tracks.length > 0 ? `amix=inputs=${labels.length}:duration=first:normalize=0,` : "";
  graph.push(`${labels.join("")}${mix}${TRACK_FORMAT}[aout]`);
  const args = [
    ...BASE_ARGS,
    ...inputs,
    "-filter_complex",
    graph.join(";"),
    "-map",
    "[aout]",
    ...SOUNDTRACK_ENCODING,
    "-t",
    total,
    output,
  ];
  return { args, output, durationSeconds: totalDuration, files: [] };
}
