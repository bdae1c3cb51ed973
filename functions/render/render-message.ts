import { isJobId } from "../core/jobs/storage-keys.js";
import type { RenderMessage } from "../core/ports/job-queue.js";

/** Part indexes a segment message may carry (scenes and chunks of a 4-hour video stay far below). */
const MAX_SEGMENT_INDEX = 10_000;

/**
 * Parses a render or assembly queue message: `{"jobId": <ULID>}`, optionally with
 * `"segment": <part index>` or `"assemble": true` (never both). Anything else can never succeed.
 */
export function parseRenderMessage(body: string): RenderMessage | undefined {
  try {
    const value = JSON.parse(body) as { jobId?: unknown; segment?: unknown; assemble?: unknown };
    if (typeof value.jobId !== "string" || !isJobId(value.jobId)) return undefined;
    const { segment, assemble } = value;
    if (segment !== undefined && assemble !== undefined) return undefined;
    if (segment !== undefined) {
      if (
        typeof segment !== "number" ||
        !Number.isInteger(segment) ||
        segment < 0 ||
        segment > MAX_SEGMENT_INDEX
      )
        return undefined;
      return { jobId: value.jobId, segment };
    }
    if (assemble !== undefined) return assemble === true ? { jobId: value.jobId, assemble: true } : undefined;
    return { jobId: value.jobId };
  } catch {
    return undefined;
  }
}
