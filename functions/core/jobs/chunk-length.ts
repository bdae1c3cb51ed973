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
 * memory, lengthened when the job's scenes (`sceneSeconds`, when known) would otherwise make more
 * parts than the render queue runs at once beside the coordinator: a second wave of parts costs
 * more than longer ones. Either way no chunk is estimated past RENDER_TIME_SHARE of the render
 * timeout (a longer setting is cut to fit). Undefined when fan-out is off: one worker gains nothing
 * from chunks.
 */
export function chunkFramesFor(
  project: Project,
  config: ChunkConfig,
  sceneSeconds: readonly number[] = [],
): number | undefined {
  if (!config.fanout.assemblyQueueUrl) return undefined;
  const perSecond = encodeSecondsPerSecond(project, config);
  const fits = Math.max(1, Math.floor((RENDER_TIME_SHARE * config.render.timeoutSeconds) / perSecond));
  const set = config.fanout.chunkSeconds;
  if (set !== undefined) return framesFor(Math.min(set, fits), project.fps);
  const base = Math.max(MIN_CHUNK_SECONDS, Math.min(Math.floor(CHUNK_ENCODE_SECONDS / perSecond), fits));
  return framesFor(oneWave(base, fits, sceneSeconds, config.render.maxConcurrency - 1), project.fps);
}

/** The shortest length from `shortest` to `longest` that splits the scenes into at most `slots` parts; `longest` if none does. */
function oneWave(shortest: number, longest: number, sceneSeconds: readonly number[], slots: number): number {
  const parts = (length: number) => sceneSeconds.reduce((n, s) => n + Math.max(1, Math.ceil(s / length)), 0);
  if (parts(shortest) <= slots || shortest >= longest) return shortest;
  if (parts(longest) > slots) return longest;
  let lo = shortest;
  let hi = longest;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (parts(mid) <= slots) hi = mid;
    else lo = mid;
  }
  return hi;
}
