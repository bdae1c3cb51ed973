import { z } from "zod";
import type { Config } from "../config.js";
import type { Project } from "../schema/project.js";

/**
 * A deliberately simple cost model for `?dry_run=true`, good for budgeting to within a factor
 * of ~2, not a quote. Assumptions:
 * - At 1920×1080, 30 fps, preset `veryfast`, the render function spends ~0.4 s per second of
 *   output (encode dominates); time scales linearly with pixels × fps.
 * - Slower presets cost more, by the factor below (x264's rough relative speeds); `draft`
 *   projects always encode with `ultrafast`.
 * - Speech recognition (a subtitles element without `words`) adds ~0.15 s per second of video.
 * - Motion on a picture (`animation`) adds ~1.2 s per second of video at 1080p30 (sub-pixel
 *   sampling of every frame, measured with bench/features.ts), scaled by pixels × fps like encoding.
 * - ~3 s fixed per job (start, fetch, probe, upload).
 * - A transition encodes no extra frames (its window replaces frames of the two scenes) but
 *   decodes and composes both scenes' sides of the window and blends them, and starts one more
 *   ffmpeg: measured at 1280×720 'veryfast' (0.5 s crossfade: +0.3 CPU s; 1 s slide: +0.45 CPU s,
 *   on 2.2 CPU s for the 6 s project without), about its window once more at the encode rate
 *   plus 0.2 s.
 * - The figures above are for a 3008 MB function (≈1.7 vCPU: Lambda gives 1 vCPU per 1769 MB);
 *   encoding and recognition scale with the vCPUs the configured memory buys.
 * - x86_64, billed at $0.0000166667 per GB-second (us-east-1 list price); requests, S3 and SQS
 *   charges are negligible next to it.
 */
const SECONDS_PER_OUTPUT_SECOND = 0.4;
const BASE_PIXEL_RATE = 1920 * 1080 * 30;
const TRANSCRIBE_SECONDS_PER_SECOND = 0.15;
const MOTION_SECONDS_PER_OUTPUT_SECOND = 1.2;
const FIXED_SECONDS = 3;
const TRANSITION_FIXED_SECONDS = 0.2;
const REFERENCE_MEMORY_MB = 3008;
const USD_PER_GB_SECOND = 0.0000166667;

const PRESET_FACTOR: Record<Config["ffmpeg"]["preset"], number> = {
  ultrafast: 0.5,
  superfast: 0.7,
  veryfast: 1,
  faster: 1.4,
  fast: 1.7,
  medium: 2,
  slow: 3,
  slower: 5,
  veryslow: 8,
};

export const renderEstimateSchema = z.object({
  render_seconds: z.number(),
  cost_usd: z.number(),
  model: z.string().meta({ description: "the assumptions behind the figures" }),
});
export type RenderEstimate = z.infer<typeof renderEstimateSchema>;

/**
 * Work that does not spread over vCPUs (ffmpeg's audio mix and `concat`, one thread each) per
 * second of output: mixing and AAC-encoding the soundtrack; joining the parts with the audio,
 * the poster, and moving the parts and the video through S3. Below one vCPU Lambda slows them too.
 */
const MIX_SECONDS_PER_SECOND = 0.05;
const ASSEMBLE_SECONDS_PER_SECOND = 0.05;
const MB_PER_VCPU = 1769;

export const ESTIMATE_MODEL =
  "0.4 s of Lambda time per output second at 1080p30 'veryfast' on 3008 MB, scaled by pixels×fps, " +
  "preset and vCPUs (1 per 1769 MB); +0.15 s/s for speech recognition; +1.2 s/s at 1080p30 for motion " +
  "on pictures; +3 s per job; each transition +0.2 s and its window once more; " +
  "x86_64 at $0.0000166667 per GB-second";

type EstimateConfig = Pick<Config, "ffmpeg" | "render">;

/**
 * Seconds of encoding (decode, compose incl. motion sampling, x264) per second of this project's
 * output, on the configured memory: the work chunking spreads over parts.
 */
export function encodeSecondsPerSecond(project: Project, config: EstimateConfig): number {
  const pixelRate = (project.width * project.height * project.fps) / BASE_PIXEL_RATE;
  const presetFactor = PRESET_FACTOR[project.draft ? "ultrafast" : config.ffmpeg.preset];
  const cpuFactor = REFERENCE_MEMORY_MB / config.render.memoryMb;
  const moves = [...project.elements, ...project.scenes.flatMap((s) => s.elements)].some(
    (e) => (e.type === "image" || e.type === "video") && e.animation !== undefined,
  );
  return (
    SECONDS_PER_OUTPUT_SECOND * pixelRate * presetFactor * cpuFactor +
    (moves ? MOTION_SECONDS_PER_OUTPUT_SECOND * pixelRate * cpuFactor : 0)
  );
}

/** Seconds of speech recognition for `durationSeconds` of video: 0 unless a caption needs it. */
function transcribeSeconds(project: Project, durationSeconds: number, config: EstimateConfig): number {
  const transcribes = [...project.elements, ...project.scenes.flatMap((s) => s.elements)].some(
    (e) => e.type === "subtitles" && e.words === undefined,
  );
  return transcribes
    ? durationSeconds * TRANSCRIBE_SECONDS_PER_SECOND * (REFERENCE_MEMORY_MB / config.render.memoryMb)
    : 0;
}

/** The transitions a project's video has: every scene's but the first's (which has nothing to come from). */
export function transitionsOf(project: Project): { count: number; seconds: number } {
  const windows = project.scenes.slice(1).flatMap((s) => (s.transition ? [s.transition.duration] : []));
  return { count: windows.length, seconds: windows.reduce((sum, d) => sum + d, 0) };
}

/** What a project's transitions add to its encoding, seconds (each window is its own encode). */
export function transitionSeconds(project: Project, config: EstimateConfig): number {
  const { count, seconds } = transitionsOf(project);
  const cpuFactor = REFERENCE_MEMORY_MB / config.render.memoryMb;
  return count * TRANSITION_FIXED_SECONDS * cpuFactor + seconds * encodeSecondsPerSecond(project, config);
}

/** Seconds one render invocation needs for `durationSeconds` of this project's output. */
export function estimateRenderSeconds(
  project: Project,
  durationSeconds: number,
  config: EstimateConfig,
): number {
  return (
    FIXED_SECONDS +
    durationSeconds * encodeSecondsPerSecond(project, config) +
    transcribeSeconds(project, durationSeconds, config)
  );
}

/**
 * The parts of a fanned-out job that chunking cannot shorten, each in one invocation: the
 * coordinator (fetch, probe, speech recognition, soundtrack mix, hand-out) and the assembler
 * (parts down, `concat`, poster, video up), for a video of `durationSeconds`.
 */
export function estimateFixedStages(
  project: Project,
  durationSeconds: number,
  config: EstimateConfig,
): { coordinatorSeconds: number; assemblySeconds: number } {
  const serial = Math.max(1, MB_PER_VCPU / config.render.memoryMb);
  const pixelRate = (project.width * project.height * project.fps) / BASE_PIXEL_RATE;
  return {
    coordinatorSeconds:
      FIXED_SECONDS +
      transcribeSeconds(project, durationSeconds, config) +
      durationSeconds * MIX_SECONDS_PER_SECOND * serial,
    assemblySeconds:
      FIXED_SECONDS + durationSeconds * ASSEMBLE_SECONDS_PER_SECOND * Math.max(1, pixelRate) * serial,
  };
}

export function estimateRender(
  project: Project,
  durationSeconds: number,
  config: EstimateConfig,
): RenderEstimate {
  const seconds =
    estimateRenderSeconds(project, durationSeconds, config) + transitionSeconds(project, config);
  return {
    render_seconds: round(seconds, 1),
    cost_usd: round(seconds * (config.render.memoryMb / 1024) * USD_PER_GB_SECOND, 6),
    model: ESTIMATE_MODEL,
  };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
