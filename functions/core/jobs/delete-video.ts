import { ConflictError } from "../errors.js";
import { getJobRecord } from "./get-job-record.js";
import type { JobDeps } from "./job-deps.js";
import { storageKeys } from "./storage-keys.js";

/**
 * Deletes a job's MP4, poster and GIF preview; repeating it is harmless. Refused while the job may still
 * upload, since the render would put the video back after the delete.
 */
export async function deleteVideo(id: string, owner: string, deps: Pick<JobDeps, "store">): Promise<void> {
  const record = await getJobRecord(id, owner, deps);
  if (record.status === "queued" || record.status === "processing") {
    throw new ConflictError(`job ${id} is ${record.status}; cancel it before deleting its video`);
  }
  await Promise.all(
    [storageKeys.video(id), storageKeys.poster(id), storageKeys.gifPreview(id)].map((key) =>
      deps.store.delete(key),
    ),
  );
}
