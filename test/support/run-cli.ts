import { execFile } from "node:child_process";
import { delimiter, join, resolve } from "node:path";

/** The repository root and the `videocraft` bin script, as `npx videocraft` runs it. */
export const repoRoot = resolve(import.meta.dirname, "../..");
export const cliBin = join(repoRoot, "local/bin/videocraft.mjs");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Another program to run instead of this Node on the bin script (e.g. `script` for a terminal). */
  command?: string;
  timeoutMs?: number;
}

/** Runs a program to its end; never rejects: a non-zero exit is part of the result. */
export function runProgram(command: string, args: string[], o: RunOptions = {}): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      command,
      args,
      {
        cwd: o.cwd ?? repoRoot,
        // Remote commands must not pick up a developer's own API from the environment.
        env: { ...process.env, VIDEOCRAFT_URL: "", VIDEOCRAFT_API_KEY: "", ...o.env },
        timeout: o.timeoutMs ?? 120_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** `videocraft <args>` as a child process through the bin script. */
export function runCli(args: string[], o: RunOptions = {}): Promise<CliResult> {
  return runProgram(process.execPath, [cliBin, ...args], o);
}

/**
 * `videocraft <args>` on a pseudo-terminal (util-linux `script`, in every Debian), so stderr is a
 * TTY as in a user's shell. Both streams arrive mixed in `stdout`, terminal control codes included.
 */
export function runCliOnTerminal(args: string[], o: RunOptions = {}): Promise<CliResult> {
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const line = [process.execPath, cliBin, ...args].map(quote).join(" ");
  return runProgram("script", ["-qfec", line, "/dev/null"], { ...o, env: { COLUMNS: "100", ...o.env } });
}

/** PATH without any node_modules/.bin: what a shell on the machine has before `npm ci`'s pinned Node. */
export function machinePath(): string {
  return (process.env.PATH ?? "")
    .split(delimiter)
    .filter((p) => p && !p.includes("node_modules"))
    .join(delimiter);
}
