import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { extname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Config } from "../../core/config.js";
import { JobFailure } from "../../core/errors.js";
import { type ObjectStore, ObjectTooLargeError } from "../../core/ports/object-store.js";
import type { Project } from "../../core/schema/project.js";
import {
  checkSourceCount,
  checkSourceUrl,
  displaySrc,
  policyFromConfig,
  sourceIdentity,
  sourceUses,
} from "../../core/schema/source-policy.js";
import { explainUploadFailure, openLocalSource } from "./local-source.js";
import { mapConcurrent } from "./map-concurrent.js";
import { type Resolver, safeFetchToFile, sourceFetchOptions } from "./safe-fetch.js";

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
 * The pipeline's first step: brings every source of a project into `workDir`, returns src → local path.
 * Each source is fetched once however many elements use it, and however its `src` is spelled
 * (see `sourceIdentity`: a local file named with different query strings is one copy). All
 * sources together may take at most VIDEOCRAFT_MAX_JOB_SOURCE_BYTES of the worker's disk,
 * counted as bytes arrive. The first failure aborts the other downloads and is what the job fails with.
 */
export async function fetchSources(project: Project, deps: FetchSourcesDeps): Promise<Map<string, string>> {
  const { config } = deps;
  const policy = policyFromConfig(config);
  // Also checked at submission; a worker configured lower than the API must not exceed its own cap.
  const [overCount] = checkSourceCount(project, policy, config.maxSourcesPerJob);
  if (overCount) throw new JobFailure("SOURCE_TOO_LARGE", `${overCount.path}: ${overCount.message}`);
  const byIdentity = new Map<string, string[]>();
  for (const src of projectSources(project)) {
    const identity = sourceIdentity(src, policy);
    const same = byIdentity.get(identity);
    if (same) same.push(src);
    else byIdentity.set(identity, [src]);
  }
  const groups = [...byIdentity.values()];
  const budget = jobByteBudget(project, config.maxJobSourceBytes);
  // The read timeout only catches silence; a source trickling a byte a second needs a deadline.
  const totalMs = config.fetch.totalTimeoutMs;
  const deadline = AbortSignal.timeout(totalMs);
  const signal = deps.signal ? AbortSignal.any([deps.signal, deadline]) : deadline;
  let paths: string[];
  try {
    paths = await mapConcurrent(
      groups,
      PARALLEL_FETCHES,
      async ([src = ""], i, signal) => {
        const dest = join(deps.workDir, `src-${i}${extensionOf(src)}`);
        await fetchOne(src, dest, deps, signal, (bytes) => budget.take(bytes, src));
        return dest;
      },
      signal,
    );
  } catch (e) {
    if (e instanceof JobFailure || !deadline.aborted || deps.signal?.aborted) throw e;
    throw new JobFailure("TIMEOUT", `the sources took longer than ${totalMs / 1000} s to download`);
  }
  return new Map(groups.flatMap((srcs, i) => srcs.map((src) => [src, paths[i]!] as const)));
}

/** Bytes all of a job's sources have put on disk so far; past `max` the source that crossed it fails the job. */
function jobByteBudget(project: Project, max: number) {
  let used = 0;
  return {
    take(bytes: number, src: string) {
      used += bytes;
      if (used <= max) return;
      const path = sourceUses(project).find((u) => u.src === src)?.path ?? "src";
      throw new JobFailure(
        "SOURCE_TOO_LARGE",
        `${path} (${displaySrc(src)}): the job's sources together pass the ${max}-byte limit per job (VIDEOCRAFT_MAX_JOB_SOURCE_BYTES)`,
      );
    },
  };
}

async function fetchOne(
  src: string,
  dest: string,
  deps: FetchSourcesDeps,
  signal: AbortSignal,
  onBytes: (bytes: number) => void,
): Promise<void> {
  const { config } = deps;
  const check = checkSourceUrl(src, policyFromConfig(config));
  if (!check.ok) throw new JobFailure(check.code, check.message);
  switch (check.kind) {
    case "https":
    case "http":
      await safeFetchToFile(src, dest, {
        ...sourceFetchOptions(config, { signal, resolver: deps.resolver }),
        onBytes,
      });
      return;
    case "s3":
      return fetchObject(deps.store, check.key, src, dest, config.maxSourceBytes, { signal, onBytes });
    case "file":
      return copyLocal(check.path, src, dest, config, { signal, onBytes });
  }
}

async function fetchObject(
  store: ObjectStore,
  key: string,
  src: string,
  dest: string,
  maxBytes: number,
  options: { signal: AbortSignal; onBytes: (bytes: number) => void },
) {
  try {
    await store.downloadToFile(key, dest, maxBytes, options);
  } catch (e) {
    await rm(dest, { force: true });
    if (e instanceof JobFailure) throw e;
    if (options.signal.aborted) throw options.signal.reason;
    if (e instanceof ObjectTooLargeError) {
      throw new JobFailure(
        "SOURCE_TOO_LARGE",
        `${displaySrc(src)} is larger than the ${maxBytes}-byte limit`,
      );
    }
    return explainUploadFailure(store, key, src, e);
  }
}

/**
 * Local mode only: copied from the same open handle whose size was checked, and only the bytes
 * that were checked (a file that grows meanwhile does not grow the copy).
 */
async function copyLocal(
  path: string,
  src: string,
  dest: string,
  config: Config,
  options: { signal: AbortSignal; onBytes: (bytes: number) => void },
) {
  const { handle, size } = await openLocalSource(path, src, config);
  try {
    options.onBytes(size);
    // An empty file has no byte range to read; reading "to the end" could take bytes added since.
    const source =
      size > 0 ? handle.createReadStream({ autoClose: false, start: 0, end: size - 1 }) : Readable.from([]);
    await pipeline(source, createWriteStream(dest), { signal: options.signal });
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
