import { storageKeys } from "../../core/jobs/storage-keys.js";
import type { FfmpegCommand } from "../../core/plan/render-plan.js";
import type { ObjectStore } from "../../core/ports/object-store.js";
import type { AttemptScope } from "./attempt-scope.js";
import { runFfmpeg } from "./run-ffmpeg.js";

/** What the project asked for besides the MP4; each absent when not asked for. */
export interface PreviewCommands {
  poster?: FfmpegCommand | undefined;
  gif?: FfmpegCommand | undefined;
}

/** Where the previews of a completed job are stored (the job record's output keys). */
export interface PreviewKeys {
  poster_key?: string;
  gif_key?: string;
}

/**
 * Joins the encoded parts with the soundtrack (`concat -c copy`) and, beside it, writes the poster
 * from the segment that holds its frame; the GIF preview is cut from the joined video after. All
 * have settled when this returns, failed or not.
 */
export async function assembleVideo(
  commands: { assemble: FfmpegCommand } & PreviewCommands,
  scope: AttemptScope,
  onProgress?: (fraction: number) => void,
): Promise<void> {
  const { assemble, poster, gif } = commands;
  await allSettledOrThrow([
    runFfmpeg(assemble, scope.ffmpeg(onProgress)),
    ...(poster ? [runFfmpeg(poster, scope.ffmpeg())] : []),
  ]);
  if (gif) await runFfmpeg(gif, scope.ffmpeg());
}

/** Waits for every promise, then throws the first failure: nothing is left running behind a throw. */
async function allSettledOrThrow(work: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(work);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

/**
 * Uploads the finished video and its previews to where the API serves them from (`videos/<id>.*`,
 * under the videos' retention); returns the video's size and the previews' keys.
 */
export async function uploadVideo(
  jobId: string,
  files: { video: string; poster?: string | undefined; gif?: string | undefined },
  store: ObjectStore,
): Promise<{ bytes: number; previews: PreviewKeys }> {
  const video = await store.uploadFile(storageKeys.video(jobId), files.video, "video/mp4");
  const previews: PreviewKeys = {};
  if (files.poster) {
    await store.uploadFile(storageKeys.poster(jobId), files.poster, "image/jpeg");
    previews.poster_key = storageKeys.poster(jobId);
  }
  if (files.gif) {
    await store.uploadFile(storageKeys.gifPreview(jobId), files.gif, "image/gif");
    previews.gif_key = storageKeys.gifPreview(jobId);
  }
  return { bytes: video.bytes, previews };
}
