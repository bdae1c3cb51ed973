import { NotFoundError } from "../errors.js";
import { getJobRecord } from "./get-job-record.js";
import type { VideoLink } from "./get-video-link.js";
import type { JobDeps } from "./job-deps.js";
import { storageKeys } from "./storage-keys.js";

/**
 * A presigned link to a completed job's poster frame (`videos/<id>.jpg`), for a player's `poster`:
 * an `<img>` or `<video>` cannot send the API key, so it needs a link that carries its own grant.
 */
export async function getPosterLink(
  id: string,
  deps: Pick<JobDeps, "config" | "store" | "clock">,
): Promise<VideoLink> {
  await getJobRecord(id, deps);
  const key = storageKeys.poster(id);
  if (!(await deps.store.exists(key)))
    throw new NotFoundError(`job ${id} has no poster (not completed, or deleted)`);
  const seconds = deps.config.presignExpiresSeconds;
  const url = await deps.store.presignGet(key, seconds);
  return { url, expires_at: new Date(deps.clock.now().getTime() + seconds * 1000).toISOString() };
}
