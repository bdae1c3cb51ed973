import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import type { EncoderSettings, RenderPlan, SegmentPlan } from "../../core/plan/render-plan.js";
import {
  type PortableSegment,
  portableSegment,
  segmentCacheKey,
  segmentKey,
} from "../../core/plan/segment-cache-key.js";
import type { Log } from "../../core/ports/log.js";
import type { ObjectStore } from "../../core/ports/object-store.js";
import { mapConcurrent } from "./map-concurrent.js";

/** sha256 of a file's content, streamed (a 2 GB source never sits in memory). */
export async function hashFile(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash, signal ? { signal } : {});
  return hash.digest("hex");
}

/** Local path → content hash of every fetched source; each file is read once. */
export async function hashSources(
  paths: Iterable<string>,
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const unique = [...new Set(paths)];
  const hashes = await mapConcurrent(unique, 2, (path, _i, stop) => hashFile(path, stop), signal);
  return new Map(unique.map((path, i) => [path, hashes[i]!]));
}

/** One segment's cache identity (a scene or a chunk); `portable` is undefined when it cannot be cached. */
export interface SegmentCacheEntry {
  segment: SegmentPlan;
  portable: PortableSegment | undefined;
  /** sha256 hex, or undefined when not cacheable. */
  hash: string | undefined;
  /** `cache/segments/<hash>.mp4`. */
  key: string | undefined;
}

export function segmentCacheEntries(
  plan: RenderPlan,
  workDir: string,
  sourceHashes: ReadonlyMap<string, string>,
  encoder: EncoderSettings,
): SegmentCacheEntry[] {
  return plan.segments.map((segment) => {
    const portable = portableSegment(segment.command, workDir, sourceHashes);
    if (!portable) return { segment, portable, hash: undefined, key: undefined };
    const hash = segmentKey({
      segment: portable,
      encoder,
      frame: { width: plan.width, height: plan.height },
      fps: plan.fps,
      frames: segment.frames,
    });
    return { segment, portable, hash, key: segmentCacheKey(hash) };
  });
}

/**
 * Fetches a cached segment into `path`; false when there is none (or it could not be read, in
 * which case the scene is simply encoded again).
 */
export async function restoreSegment(
  store: ObjectStore,
  key: string | undefined,
  path: string,
  log: Log,
): Promise<boolean> {
  if (!key) return false;
  try {
    if (!(await store.exists(key))) return false;
    await store.downloadToFile(key, path, Number.MAX_SAFE_INTEGER);
    return true;
  } catch (e) {
    log.warn("scene cache read failed; encoding the scene", { key, error: (e as Error).message });
    return false;
  }
}

/** Best effort: a failed cache write costs a future re-encode, never this job. */
export async function saveSegment(
  store: ObjectStore,
  key: string | undefined,
  path: string,
  log: Log,
): Promise<void> {
  if (!key) return;
  try {
    await store.uploadFile(key, path, "video/mp4");
  } catch (e) {
    log.warn("scene cache write failed", { key, error: (e as Error).message });
  }
}
