import { NotFoundError } from "../errors.js";
import { getJobRecord } from "./get-job-record.js";
import { type LinkDeps, presignObject, type VideoLink } from "./get-video-link.js";
import { storageKeys } from "./storage-keys.js";

/**
 * A presigned link to a completed job's poster frame (`videos/<id>.jpg`), for a player's `poster`:
 * an `<img>` or `<video>` cannot send the API key, so it needs a link that carries its own grant.
 * Only the job's owner gets one; anyone else is told the job does not exist.
 */
export async function getPosterLink(id: string, owner: string, deps: LinkDeps): Promise<VideoLink> {
  await getJobRecord(id, owner, deps);
  const link = await presignObject(storageKeys.poster(id), deps);
  if (!link) throw new NotFoundError(`job ${id} has no poster (not completed, or deleted)`);
  return link;
}
