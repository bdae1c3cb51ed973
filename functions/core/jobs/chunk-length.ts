import type { Config } from "../config.js";
import { framesFor } from "../plan/scene-timeline.js";
import type { Project } from "../schema/project.js";
import { encodeSecondsPerSecond } from "./estimate-render.js";
import { RENDER_TIME_SHARE } from "./render-time-share.js";

/**
 * Encode seconds (on the estimate's scale) a chunk is sized for when the length is automatic. The
 * estimate runs about 2× fast against measurement (docs/performance.md), so a chunk takes some
 * 40 s to encode: long enough that a worker's start, downloads and upload stay a small share,
 * short enough that a 10-minute 1080p video spreads over a dozen workers.
 */
export const CHUNK_ENCODE_SECONDS = 20;
/** Automatic chunks are never shorter: below this a worker's fixed costs outweigh what it encodes. */
export const MIN_CHUNK_SECONDS = 2;

type ChunkConfig = Pick<Config, "ffmpeg" | "render" | "fanout">;

/**
 * Longest segment of a fanned-out job in frames, a whole number of seconds: VIDEOCRAFT_CHUNK_SECONDS,
 * or automatically the length whose encode is estimated at CHUNK_ENCODE_SECONDS on the configured
 * memory. Either way no chunk is estimated past RENDER_TIME_SHARE of the render timeout (a longer
 * setting is cut to fit). Undefined when fan-out is off: one worker gains nothing from chunks.
 */
export function chunkFramesFor(project: Project, config: ChunkConfig): number | undefined {
  if (!config.fanout.assemblyQueueUrl) return undefined;
  const perSecond = encodeSecondsPerSecond(project, config);
  const fits = Math.floor((RENDER_TIME_SHARE * config.render.timeoutSeconds) / perSecond);
  const set = config.fanout.chunkSeconds;
  const seconds =
    set !== undefined
      ? Math.min(set, Math.max(1, fits))
      : Math.max(MIN_CHUNK_SECONDS, Math.min(Math.floor(CHUNK_ENCODE_SECONDS / perSecond), fits));
  return framesFor(seconds, project.fps);
}
