import { storageKeys } from "../../core/jobs/storage-keys.js";
import type { FfmpegCommand } from "../../core/plan/render-plan.js";
import type { ObjectStore } from "../../core/ports/object-store.js";
import { type RunFfmpegOptions, runFfmpeg } from "./run-ffmpeg.js";

export interface PreviewKeys {
  poster_key?: string;
  gif_key?: string;
}

/**
 * Makes what the project asked for besides the MP4 from the finished video, and stores each next to
 * it (`videos/<id>.jpg`, `videos/<id>.gif`, under the videos' retention).
 */
export async function makePreviews(
  jobId: string,
  commands: { poster?: FfmpegCommand | undefined; gif?: FfmpegCommand | undefined },
  deps: { store: ObjectStore; ffmpeg: () => RunFfmpegOptions },
): Promise<PreviewKeys> {
  const keys: PreviewKeys = {};
  if (commands.poster) {
    await runFfmpeg(commands.poster, deps.ffmpeg());
    await deps.store.uploadFile(storageKeys.poster(jobId), commands.poster.output, "image/jpeg");
    keys.poster_key = storageKeys.poster(jobId);
  }
  if (commands.gif) {
    await runFfmpeg(commands.gif, deps.ffmpeg());
    await deps.store.uploadFile(storageKeys.gifPreview(jobId), commands.gif.output, "image/gif");
    keys.gif_key = storageKeys.gifPreview(jobId);
  }
  return keys;
}
