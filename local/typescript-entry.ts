import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/**
 * Node flags that let a child process start from one of our `.ts` files, as the
 * `videocraft` bin script itself does: tsx's loader, by absolute URL so it resolves from any cwd.
 */
export function typescriptExecArgv(): string[] {
  return ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href];
}
