import type { WhisperModelName } from "../functions/core/whisper-models.js";

/**
 * The render function's caps derived from its size, so that raising `renderMemoryMb` or
 * `renderEphemeralStorageMb` raises what a job may use with it (docs/deploy.md explains them).
 */

/** Node.js itself, the worker's code, the AWS SDK and the upload's buffers beside ffmpeg. */
export const NODE_HEADROOM_MB = 256;

/**
 * whisper.cpp's memory while transcribing, per model (whisper.cpp's own table: tiny ~273 MB,
 * base ~388 MB, small ~852 MB). Kept free even though today's pipeline transcribes before it
 * encodes: a worker that overlaps the two must not be killed for it.
 */
export const WHISPER_MEMORY_MB: Record<WhisperModelName, number> = {
  tiny: 273,
  "tiny.en": 273,
  base: 388,
  "base.en": 388,
  small: 852,
  "small.en": 852,
};

/** Below this one ffmpeg command cannot decode a 1080p scene with a few layers. */
export const MIN_FFMPEG_MEMORY_MB = 512;

/**
 * The share of /tmp a job's sources may fill together. The rest holds what the render writes
 * beside them: the encoded scene segments, the audio mix, the joined output (as large again as
 * the segments until they are removed) and its poster.
 */
export const SOURCE_SHARE_OF_TMP = 0.4;

/** VIDEOCRAFT_FFMPEG_MAX_MEMORY, in MB: the function's memory less Node.js and the speech model. */
export const ffmpegMemoryMb = (renderMemoryMb: number, whisperModel: WhisperModelName): number =>
  renderMemoryMb - NODE_HEADROOM_MB - WHISPER_MEMORY_MB[whisperModel];

/** VIDEOCRAFT_MAX_JOB_SOURCE_BYTES, in MB. */
export const jobSourceMb = (ephemeralStorageMb: number): number =>
  Math.floor(ephemeralStorageMb * SOURCE_SHARE_OF_TMP);
