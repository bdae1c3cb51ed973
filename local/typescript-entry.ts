import { type ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/**
 * Starts one of our `.ts` files as a child process, as the `videocraft` bin script starts the CLI:
 * through tsx's loader, by absolute URL so it resolves from any cwd. The child leads a process
 * group of its own, writes to our stdout and stderr, and talks to us over an IPC channel.
 */
export function forkTypescript(entry: string): ChildProcess {
  return fork(entry, [], {
    execArgv: ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href],
    detached: true,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}
