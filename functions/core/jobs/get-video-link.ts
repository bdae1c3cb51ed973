import { z } from "zod";
import { ConflictError, NotFoundError } from "../errors.js";
import { dateTimeField, urlField } from "../schema/response-formats.js";
import { getJobRecord } from "./get-job-record.js";
import type { JobDeps } from "./job-deps.js";
import { storageKeys } from "./storage-keys.js";

export const videoLinkSchema = z
  .object({ url: urlField("presigned"), expires_at: dateTimeField("when url stops working") })
  .meta({ id: "VideoLink" });
export type VideoLink = z.infer<typeof videoLinkSchema>;

type LinkDeps = Pick<JobDeps, "config" | "store" | "clock">;

/**
 * A presigned link to the job's MP4, or undefined when the video is gone (deleted by the client
 * or expired by the retention rule): a link that answers 404 helps nobody. `expires_at` is when
 * the link really stops working: the configured lifetime, or earlier when the signing credentials
 * (a Lambda role's session) expire first.
 */
export async function presignVideo(id: string, deps: LinkDeps): Promise<VideoLink | undefined> {
  return presignObject(storageKeys.video(id), `${id}.mp4`, deps);
}

/** A presigned link to any stored output of a job (its GIF preview), as `presignVideo` makes them. */
export async function presignObject(
  key: string,
  downloadName: string,
  deps: LinkDeps,
): Promise<VideoLink | undefined> {
  if (!(await deps.store.exists(key))) return undefined;
  const seconds = deps.config.presignExpiresSeconds;
  const [url, credentialsEnd] = await Promise.all([
    deps.store.presignGet(key, seconds, downloadName),
    deps.store.signingExpiry?.(),
  ]);
  const lifetimeEnd = deps.clock.now().getTime() + seconds * 1000;
  const end = Math.min(lifetimeEnd, credentialsEnd?.getTime() ?? lifetimeEnd);
  return { url, expires_at: new Date(end).toISOString() };
}

/** The download link of a completed job; a conflict while it is not completed, not found when unknown or gone. */
export async function getVideoLink(id: string, owner: string, deps: LinkDeps): Promise<VideoLink> {
  const record = await getJobRecord(id, owner, deps);
  if (record.status !== "completed") {
    throw new ConflictError(`job ${id} is ${record.status}; its video is available once it is completed`);
  }
  const link = await presignVideo(id, deps);
  if (!link) throw new NotFoundError(`the video of job ${id} was deleted or has expired`);
  return link;
}
