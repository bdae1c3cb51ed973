import { spawn } from "node:child_process";
import { stat, writeFile } from "node:fs/promises";
import { JobFailure } from "../../core/errors.js";
import type { FfmpegCommand } from "../../core/plan/render-plan.js";

export interface RunFfmpegOptions {
  ffmpegPath: string;
  timeoutMs: number;
  /** Aborting kills ffmpeg at once (job cancelled). */
  signal?: AbortSignal;
  /** Fraction 0–1 of this command's media seconds written so far. */
  onProgress?: (fraction: number) => void;
}

const STDERR_TAIL = 2000;

/**
 * Runs one planned ffmpeg command. Progress comes from `-progress pipe:1` (machine-readable
 * key=value lines) rather than parsing the human stderr. A timeout ends the job as TIMEOUT,
 * a non-zero exit as RENDER_FAILED with the tail of ffmpeg's own message, and so does an exit 0
 * that left the output missing or empty (e.g. a seek past the last frame): running the same
 * command again would do the same, so it must not become a queue retry.
 */
export async function runFfmpeg(command: FfmpegCommand, options: RunFfmpegOptions): Promise<void> {
  for (const file of command.files) await writeFile(file.path, file.content);
  if (options.signal?.aborted) throw new JobFailure("CANCELLED", "the job was cancelled");

  const child = spawn(options.ffmpegPath, ["-progress", "pipe:1", "-nostats", ...command.args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let timedOut = false;
  let cancelled = false;
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL);
  });
  let pending = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      // ffmpeg 5 writes microseconds under both names; out_time_us is the unambiguous one.
      const m = /^out_time_us=(\d+)/.exec(line);
      if (m && command.durationSeconds > 0) {
        options.onProgress?.(Math.min(1, Number(m[1]) / 1e6 / command.durationSeconds));
      }
    }
  });
  const kill = () => child.kill("SIGKILL");
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, options.timeoutMs);
  const onAbort = () => {
    cancelled = true;
    kill();
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });

  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", resolve);
    });
    if (cancelled) throw new JobFailure("CANCELLED", "the job was cancelled");
    if (timedOut) {
      throw new JobFailure("TIMEOUT", `ffmpeg ran longer than ${Math.round(options.timeoutMs / 1000)} s`);
    }
    const detail = () => stderr.trim().split("\n").slice(-3).join(" | ") || "no message";
    if (code !== 0) throw new JobFailure("RENDER_FAILED", `ffmpeg exited with code ${code}: ${detail()}`);
    const written = await stat(command.output).then(
      (s) => s.size,
      () => 0,
    );
    if (written === 0) {
      throw new JobFailure("RENDER_FAILED", `ffmpeg exited 0 but wrote no output (${detail()})`);
    }
    options.onProgress?.(1);
  } catch (e) {
    if (e instanceof JobFailure) throw e;
    throw new JobFailure("RENDER_FAILED", `could not run ffmpeg (${(e as Error).message})`);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}
