import { type FileHandle, open, realpath } from "node:fs/promises";
import { resolve } from "node:path";
import type { Config } from "../../core/config.js";
import { JobFailure } from "../../core/errors.js";
import type { ObjectStore } from "../../core/ports/object-store.js";
import { displaySrc, isInside } from "../../core/schema/source-policy.js";

/**
 * Opens a local-mode `file://` source after the checks both the worker and the dry run need.
 * Real paths are compared so a symlink inside the allowed directory cannot point out of it, and
 * the size is read from the same open handle the caller then reads from.
 */
export async function openLocalSource(
  path: string,
  src: string,
  config: Pick<Config, "localAllowedDir" | "maxSourceBytes">,
): Promise<{ handle: FileHandle; real: string; size: number }> {
  const shown = displaySrc(src);
  let real: string;
  let dir: string;
  try {
    [real, dir] = await Promise.all([
      realpath(path),
      realpath(resolve(config.localAllowedDir ?? "/nonexistent")),
    ]);
  } catch {
    throw new JobFailure("SOURCE_UNREACHABLE", `${shown} does not exist`);
  }
  if (!isInside(dir, real)) {
    throw new JobFailure(
      "SOURCE_FORBIDDEN",
      `${shown} leads outside the allowed directory ${config.localAllowedDir}`,
    );
  }
  const handle = await open(real, "r").catch((e: unknown) => {
    throw new JobFailure(
      "SOURCE_UNREACHABLE",
      `${shown} cannot be read (${(e as { code?: string }).code ?? "error"})`,
    );
  });
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new JobFailure("SOURCE_UNREACHABLE", `${shown} is not a file`);
    if (stat.size > config.maxSourceBytes) {
      throw new JobFailure(
        "SOURCE_TOO_LARGE",
        `${shown} is larger than the ${config.maxSourceBytes}-byte limit`,
      );
    }
    return { handle, real, size: stat.size };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/**
 * After a failed read of an upload: a missing object is the request's fault (SOURCE_UNREACHABLE);
 * anything else (throttling, a failing S3 call) is re-thrown so the queue retries.
 */
export async function explainUploadFailure(
  store: ObjectStore,
  key: string,
  src: string,
  error: unknown,
): Promise<never> {
  const missing = await store.exists(key).then(
    (found) => !found,
    () => false,
  );
  if (missing)
    throw new JobFailure("SOURCE_UNREACHABLE", `${displaySrc(src)} does not exist (was it uploaded?)`);
  throw error;
}
