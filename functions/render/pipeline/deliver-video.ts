import { storageKeys } from "../../core/jobs/storage-keys.js";
import type { FfmpegCommand } from "../../core/plan/render-plan.js";
import type { ObjectStore } from "../../core/ports/object-store.js";
import type { AttemptScope } from "./attempt-scope.js";
import { runFfmpeg } from "./run-ffmpeg.js";

/**
 * Joins the encoded parts with the soundtrack (`concat -c copy`) and, beside it, writes the poster
 * from the segment that holds its frame. Both have settled when this returns, failed or not.
 */
export async function assembleVideo(
  commands: { assemble: FfmpegCommand; poster: FfmpegCommand },
  scope: AttemptScope,
  onProgress?: (fraction: number) => void,
): Promise<void> {
  await allSettledOrThrow([
    runFfmpeg(commands.assemble, scope.ffmpeg(onProgress)),
    runFfmpeg(commands.poster, scope.ffmpeg()),
  ]);
}

/** Waits for every promise, then throws the first failure: nothing is left running behind a throw. */
export async function allSettledOrThrow(work: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(work);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

/** Uploads the finished video and its poster to where the API serves them from; returns the video's size. */
export async function uploadVideo(
  jobId: string,
  files: { video: string; poster: string },
  store: ObjectStore,
): Promise<number> {
  const video = await store.uploadFile(storageKeys.video(jobId), files.video, "video/mp4");
  await store.uploadFile(storageKeys.poster(jobId), files.poster, "image/jpeg");
  return video.bytes;
}
