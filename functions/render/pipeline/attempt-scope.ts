import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RenderAttempt, RenderDeps } from "../render-deps.js";
import type { RunFfmpegOptions } from "./run-ffmpeg.js";
import { watchForCancel } from "./watch-for-cancel.js";

/** Lambda needs a moment after ffmpeg dies to write the final status. */
export const SHUTDOWN_MARGIN_MS = 15_000;

/** What one delivery of a message works inside: a scratch folder, the cancel signal and the deadline. */
export interface AttemptScope {
  workDir: string;
  /** Aborted when the job's cancel marker appears. */
  signal: AbortSignal;
  /** Milliseconds left for one step: the ffmpeg timeout, cut short by the invocation's deadline. */
  stepTimeoutMs(): number;
  /** How every ffmpeg of this attempt runs: killed on cancel, stopped before the deadline. */
  ffmpeg(onProgress?: (fraction: number) => void): RunFfmpegOptions;
}

/**
 * Runs `work` inside a fresh scope and always cleans up after it: the cancel watcher stops and
 * the scratch folder (`<VIDEOCRAFT_WORK_DIR or tmp>/<prefix>…`) is removed, whatever `work` did.
 */
export async function withAttemptScope<T>(
  attempt: Pick<RenderAttempt, "jobId" | "remainingMs">,
  deps: Pick<RenderDeps, "config" | "jobs" | "log">,
  prefix: string,
  work: (scope: AttemptScope) => Promise<T>,
): Promise<T> {
  const { config } = deps;
  const root = config.workDir ?? tmpdir();
  await mkdir(root, { recursive: true });
  const workDir = await mkdtemp(join(root, prefix));
  const cancel = watchForCancel(attempt.jobId, deps.jobs, deps.log);
  const deadline =
    attempt.remainingMs === undefined ? Infinity : Date.now() + attempt.remainingMs - SHUTDOWN_MARGIN_MS;
  const stepTimeoutMs = () => Math.min(config.ffmpeg.timeoutSeconds * 1000, deadline - Date.now());
  try {
    return await work({
      workDir,
      signal: cancel.signal,
      stepTimeoutMs,
      ffmpeg: (onProgress) => ({
        ffmpegPath: config.ffmpeg.path,
        timeoutMs: Math.max(1000, stepTimeoutMs()),
        signal: cancel.signal,
        ...(onProgress ? { onProgress } : {}),
      }),
    });
  } finally {
    cancel.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}
