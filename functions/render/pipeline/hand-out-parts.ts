import { storageKeys } from "../../core/jobs/storage-keys.js";
import { segmentCacheKey, sourceCacheKey } from "../../core/plan/segment-cache-key.js";
import type { RenderDeps } from "../render-deps.js";
import { type FanoutPlan, PARALLEL_IO, pathByHash } from "./fanout-plan.js";
import { mapConcurrent } from "./map-concurrent.js";

/**
 * The coordinator's hand-off: uploads the sources the uncached parts read (content-addressed, so a
 * logo or music bed shared by many jobs goes up once), stores the plan, marks cached parts done and
 * enqueues one segment message per part left to encode.
 */
export async function handOutParts(
  jobId: string,
  doc: FanoutPlan,
  sourceHashes: ReadonlyMap<string, string>,
  deps: Pick<RenderDeps, "store" | "jobs" | "clock" | "log" | "queues">,
): Promise<void> {
  const { store, jobs, clock, queues } = deps;
  if (!queues) throw new Error("fan-out, but this worker has no queues to send parts to");
  const pathOf = pathByHash(sourceHashes);
  const cachedFlags = await mapConcurrent(doc.segments, PARALLEL_IO, (s) =>
    store.exists(segmentCacheKey(s.hash)),
  );
  const todo = doc.segments.filter((_, i) => !cachedFlags[i]);
  const needed = [...new Set(todo.flatMap((s) => s.portable.sources))];
  await mapConcurrent(needed, PARALLEL_IO, async (hash) => {
    const path = pathOf.get(hash);
    if (!path) throw new Error(`no fetched file has content ${hash}`);
    if (!(await store.exists(sourceCacheKey(hash)))) {
      await store.uploadFile(sourceCacheKey(hash), path, "application/octet-stream");
    }
  });
  await store.putText(storageKeys.fanoutPlan(jobId), JSON.stringify(doc), "application/json");
  const cachedCount = doc.segments.length - todo.length;
  await jobs.putProgress(jobId, (current) => ({
    ...current,
    segments: { total: doc.segments.length, cached: cachedCount, fanout: true },
    updated_at: clock.now().toISOString(),
  }));
  await mapConcurrent(
    doc.segments.filter((_, i) => cachedFlags[i]),
    PARALLEL_IO,
    (s) => store.putText(storageKeys.segmentDone(jobId, s.index), segmentCacheKey(s.hash)),
  );
  await mapConcurrent(todo, PARALLEL_IO, (s) => queues.render.send({ jobId, segment: s.index }));
  deps.log.info("segments enqueued", { jobId, total: doc.segments.length, cached: cachedCount });
}
