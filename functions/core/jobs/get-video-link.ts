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

export type LinkDeps = Pick<JobDeps, "config" | "store" | "clock">;

/**
 * A presigned GET link to an object, or undefined when it is gone (deleted by the client or
 * expired by the retention rule): a link that answers 404 helps nobody. `expires_at` is when the
 * link really stops working (see {@link presignedUntil}).
 */
export async function presignObject(
  key: string,
  deps: LinkDeps,
  downloadName?: string,
): Promise<VideoLink | undefined> {
  if (!(await deps.store.exists(key))) return undefined;
  const seconds = deps.config.presignExpiresSeconds;
  const [url, credentialsEnd] = await Promise.all([
    deps.store.presignGet(key, seconds, downloadName),
    deps.store.signingExpiry?.(),
  ]);
  return { url, expires_at: presignedUntil(seconds, deps.clock.now(), credentialsEnd) };
}

/**
 * When a URL signed at `now` for `seconds` stops working: the lifetime asked for, or earlier when
 * the signing credentials (a Lambda role's session) expire first, since the URL dies with them.
 */
export function presignedUntil(seconds: number, now: Date, credentialsEnd: Date | undefined): string {
  const lifetimeEnd = now.getTime() + seconds * 1000;
  return new Date(Math.min(lifetimeEnd, credentialsEnd?.getTime() ?? lifetimeEnd)).toISOString();
}

/** The job's MP4, downloaded under the name `<id>.mp4`. */
export const presignVideo = (id: string, deps: LinkDeps) =>
  presignObject(storageKeys.video(id), deps, `${id}.mp4`);

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
