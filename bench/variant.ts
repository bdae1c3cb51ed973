/** One way of rendering a case: VideoCraft's plan or ours, with the settings that vary. */
export interface Variant {
  name: string;
  side: "baseline" | "ours";
  /** x264 preset: the baseline's `medium`, or ours from VIDEOCRAFT_FFMPEG_PRESET (veryfast) unless set. */
  preset?: string;
  /** CRF instead of the default 23. */
  crf?: number;
  /** Ours: `quality: "draft"`. */
  draft?: boolean;
  /** Baseline: burn the word-by-word ASS as VideoCraft does (ours always has the caption words). */
  captions?: boolean;
  /** The lossless render of its side that quality is measured against (CRF 0, ultrafast). */
  reference?: boolean;
}

export const LOSSLESS = { preset: "ultrafast", crf: 0 } as const;

/** What one run of a variant measured. */
export interface RunResult {
  seconds: number;
  /** ffmpeg user+sys CPU seconds of the run; null without /usr/bin/time. */
  cpuSeconds: number | null;
  ffmpegPeakRssMb: number | null;
  nodeRssMb: number;
  bytes: number;
  output: string;
  /** Ours: wall seconds per step (fetch, probe, timings, plan, segments, audio, assemble). */
  phases?: Record<string, number>;
  /** Ours: ffmpeg CPU seconds per step. */
  phaseCpu?: Record<string, number>;
  /** Ours: CPU seconds of the segment encodes alone. */
  segmentCpuSeconds?: number | null;
  /** Ours: the soundtrack as encoded, for the audio check. */
  audio?: string;
  captionsRendered?: boolean;
  /** 1-minute load average when the run ended. */
  load1?: number;
}
