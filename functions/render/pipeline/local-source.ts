import { constants, type Stats } from "node:fs";
import { type FileHandle, open, realpath, stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Config } from "../../core/config.js";
import { JobFailure } from "../../core/errors.js";
import type { ObjectStore } from "../../core/ports/object-store.js";
import { displaySrc, isInside } from "../../core/schema/source-policy.js";

/**
 * Opens a local-mode `file://` source after the checks both the worker and the dry run need.
 * Real paths are compared so a symlink inside the allowed directory cannot point out of it, and
 * the size is read from the same open handle the caller then reads from. Anything but a regular
 * file is refused before it is opened: opening a FIFO for reading waits for a writer, holding one
 * of Node's few file-system threads, so a handful of them would freeze the whole process. The
 * open itself is non-blocking too, in case a FIFO replaces the file between the check and it.
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
  const cannotRead = (e: unknown) =>
    new JobFailure(
      "SOURCE_UNREACHABLE",
      `${shown} cannot be read (${(e as { code?: string }).code ?? "error"})`,
    );
  const notRegular = (s: Stats) =>
    new JobFailure("SOURCE_UNREACHABLE", `${shown} is not a regular file (${kindOf(s)})`);
  const before = await stat(real).catch((e: unknown) => {
    throw cannotRead(e);
  });
  if (!before.isFile()) throw notRegular(before);
  const handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK).catch((e: unknown) => {
    throw cannotRead(e);
  });
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw notRegular(stat);
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

function kindOf(s: Stats): string {
  if (s.isDirectory()) return "a directory";
  if (s.isFIFO()) return "a FIFO";
  if (s.isSocket()) return "a socket";
  if (s.isCharacterDevice() || s.isBlockDevice()) return "a device";
  return "not a file";
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
