import { spawn } from "node:child_process";
import { JobFailure, type JobFailureCode } from "../../core/errors.js";

export interface RunProcessOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** The failure code for a non-zero exit or a missing program. */
  failureCode: JobFailureCode;
  /** Names the step in error messages, e.g. "forced alignment". */
  what: string;
  cwd?: string;
}

const TAIL = 4000;

/**
 * Runs a program to completion and returns its stdout. A non-zero exit or a missing program is a
 * JobFailure with `failureCode` and the tail of stderr; a timeout is TIMEOUT; aborting kills it
 * (CANCELLED).
 */
export async function runProcess(
  program: string,
  args: readonly string[],
  o: RunProcessOptions,
): Promise<{ stdout: string; stderr: string }> {
  if (o.signal?.aborted) throw new JobFailure("CANCELLED", "the job was cancelled");
  const child = spawn(program, args, { stdio: ["ignore", "pipe", "pipe"], cwd: o.cwd });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => {
    stdout += c;
  });
  child.stderr.setEncoding("utf8").on("data", (c: string) => {
    stderr = (stderr + c).slice(-TAIL);
  });
  let timedOut = false;
  let cancelled = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, o.timeoutMs);
  const onAbort = () => {
    cancelled = true;
    child.kill("SIGKILL");
  };
  o.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (c) => resolve(c));
    }).catch((e: NodeJS.ErrnoException) => {
      const hint = e.code === "ENOENT" ? `${program} is not installed or not on PATH` : e.message;
      throw new JobFailure(o.failureCode, `${o.what} could not start: ${hint}`);
    });
    if (cancelled) throw new JobFailure("CANCELLED", "the job was cancelled");
    if (timedOut)
      throw new JobFailure("TIMEOUT", `${o.what} took longer than ${Math.round(o.timeoutMs / 1000)} s`);
    if (code !== 0) {
      const tail = stderr.trim().split("\n").slice(-8).join("\n");
      throw new JobFailure(o.failureCode, `${o.what} failed (exit ${code}): ${tail}`);
    }
    return { stdout, stderr };
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener("abort", onAbort);
  }
}
