import { ApiError } from "../errors.js";
import { getJobRecord } from "./get-job-record.js";
import type { JobDeps } from "./job-deps.js";
import { storageKeys } from "./storage-keys.js";

export interface VideoLink {
  url: string;
  expires_at: string;
}

type LinkDeps = Pick<JobDeps, "config" | "store" | "clock">;

/**
 * A presigned link to the job's MP4, or undefined when the video is gone (deleted by the client
 * or expired by the retention rule): a link that answers 404 helps nobody. `expires_at` is when
 * the link really stops working: the configured lifetime, or earlier when the signing credentials
 * (a Lambda role's session) expire first.
 */
export async function presignVideo(id: string, deps: LinkDeps): Promise<VideoLink | undefined> {
  const key = storageKeys.video(id);
  if (!(await deps.store.exists(key))) return undefined;
  const seconds = deps.config.presignExpiresSeconds;
  const [url, credentialsEnd] = await Promise.all([
    deps.store.presignGet(key, seconds, `${id}.mp4`),
    deps.store.signingExpiry?.(),
  ]);
  const lifetimeEnd = deps.clock.now().getTime() + seconds * 1000;
  const end = Math.min(lifetimeEnd, credentialsEnd?.getTime() ?? lifetimeEnd);
  return { url, expires_at: new Date(end).toISOString() };
}

/** The download link of a completed job; 409 while it is not completed, 404 when unknown or gone. */
export async function getVideoLink(id: string, deps: LinkDeps): Promise<VideoLink> {
  const record = await getJobRecord(id, deps);
  if (record.status !== "completed") {
    throw new ApiError(
      409,
      "CONFLICT",
      `job ${id} is ${record.status}; its video is available once it is completed`,
    );
  }
  const link = await presignVideo(id, deps);
  if (!link) throw new ApiError(404, "NOT_FOUND", `the video of job ${id} was deleted or has expired`);
  return link;
}
