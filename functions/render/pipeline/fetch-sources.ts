import { createWriteStream } from "node:fs";
import { open, realpath, rm } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Config } from "../../core/config.js";
import { JobFailure } from "../../core/errors.js";
import { type ObjectStore, ObjectTooLargeError } from "../../core/ports/object-store.js";
import type { Project } from "../../core/schema/project.js";
import { checkSourceUrl, displaySrc, isInside, policyFromConfig } from "../../core/schema/source-policy.js";
import { mapConcurrent } from "./map-concurrent.js";
import { type Resolver, safeFetchToFile } from "./safe-fetch.js";

export interface FetchSourcesDeps {
  store: ObjectStore;
  config: Config;
  /** The job's scratch directory; sources land in it as `src-<n><ext>`. */
  workDir: string;
  signal?: AbortSignal;
  /** DNS override for tests; production uses the system resolver. */
  resolver?: Resolver;
}

/** Downloads at once; more mostly contend for the same Lambda network link. */
const PARALLEL_FETCHES = 4;

/** Every distinct `src` of a project (global elements first, then scenes), in document order. */
export function projectSources(project: Project): string[] {
  const all = [...project.elements, ...project.scenes.flatMap((s) => s.elements)];
  return [...new Set(all.flatMap((el) => ("src" in el ? [el.src] : [])))];
}

/**
 * Brings every source of a project into `workDir` (SPEC §6 step 1) and returns src → local path.
 * Each source is fetched once however many elements use it. The first failure aborts the other
 * downloads and is what the job fails with.
 */
export async function fetchSources(project: Project, deps: FetchSourcesDeps): Promise<Map<string, string>> {
  const sources = projectSources(project);
  // The read timeout only catches silence; a source trickling a byte a second needs a deadline.
  const totalMs = deps.config.fetch.totalTimeoutMs;
  const deadline = AbortSignal.timeout(totalMs);
  const signal = deps.signal ? AbortSignal.any([deps.signal, deadline]) : deadline;
  let paths: string[];
  try {
    paths = await mapConcurrent(
      sources,
      PARALLEL_FETCHES,
      async (src, i, signal) => {
        const dest = join(deps.workDir, `src-${i}${extensionOf(src)}`);
        await fetchOne(src, dest, deps, signal);
        return dest;
      },
      signal,
    );
  } catch (e) {
    if (e instanceof JobFailure || !deadline.aborted || deps.signal?.aborted) throw e;
    throw new JobFailure("TIMEOUT", `the sources took longer than ${totalMs / 1000} s to download`);
  }
  return new Map(sources.map((src, i) => [src, paths[i]!]));
}

async function fetchOne(
  src: string,
  dest: string,
  deps: FetchSourcesDeps,
  signal: AbortSignal,
): Promise<void> {
  const { config } = deps;
  const check = checkSourceUrl(src, policyFromConfig(config));
  if (!check.ok) throw new JobFailure(check.code, check.message);
  switch (check.kind) {
    case "https":
    case "http":
      await safeFetchToFile(src, dest, {
        maxBytes: config.maxSourceBytes,
        connectTimeoutMs: config.fetch.connectTimeoutMs,
        readTimeoutMs: config.fetch.readTimeoutMs,
        allowPrivate: config.allowPrivateSources,
        allowHttp: config.allowPrivateSources,
        signal,
        ...(deps.resolver ? { resolver: deps.resolver } : {}),
      });
      return;
    case "s3":
      return fetchObject(deps.store, check.key, src, dest, config.maxSourceBytes);
    case "file":
      return copyLocal(check.path, src, dest, config);
  }
}

async function fetchObject(store: ObjectStore, key: string, src: string, dest: string, maxBytes: number) {
  try {
    await store.downloadToFile(key, dest, maxBytes);
  } catch (e) {
    await rm(dest, { force: true });
    if (e instanceof ObjectTooLargeError) {
      throw new JobFailure(
        "SOURCE_TOO_LARGE",
        `${displaySrc(src)} is larger than the ${maxBytes}-byte limit`,
      );
    }
    // Only a missing upload is the request's fault; a throttled or failing S3 call is worth a retry.
    const missing = await store.exists(key).then(
      (found) => !found,
      () => false,
    );
    if (missing)
      throw new JobFailure("SOURCE_UNREACHABLE", `${displaySrc(src)} does not exist (was it uploaded?)`);
    throw e;
  }
}

/** Local mode only. Real paths are compared so a symlink inside the directory cannot point out of it. */
async function copyLocal(path: string, src: string, dest: string, config: Config) {
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
    // The size checked is the size of the file copied: both come from the same open handle.
    const stat = await handle.stat();
    if (!stat.isFile()) throw new JobFailure("SOURCE_UNREACHABLE", `${shown} is not a file`);
    if (stat.size > config.maxSourceBytes) {
      throw new JobFailure(
        "SOURCE_TOO_LARGE",
        `${shown} is larger than the ${config.maxSourceBytes}-byte limit`,
      );
    }
    await pipeline(handle.createReadStream({ autoClose: false }), createWriteStream(dest));
  } catch (e) {
    await rm(dest, { force: true });
    throw e;
  } finally {
    await handle.close();
  }
}

/** `.mp4` from `https://x/clip.mp4?sig=…`; nothing for odd or missing extensions (ffprobe sniffs content). */
function extensionOf(src: string): string {
  let pathname: string;
  try {
    pathname = new URL(src).pathname;
  } catch {
    return "";
  }
  const ext = extname(pathname);
  return /^\.[A-Za-z0-9]{1,5}$/.test(ext) ? ext.toLowerCase() : "";
}
