import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { extname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Config } from "../../core/config.js";
import { JobFailure } from "../../core/errors.js";
import { type ObjectStore, ObjectTooLargeError } from "../../core/ports/object-store.js";
import type { Project } from "../../core/schema/project.js";
import { checkSourceUrl, displaySrc, policyFromConfig } from "../../core/schema/source-policy.js";
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
      await safeFetchToFile(src, dest, sourceFetchOptions(config, { signal, resolver: deps.resolver }));
      return;
    case "s3":
      return fetchObject(deps.store, check.key, src, dest, config.maxSourceBytes, signal);
    case "file":
      return copyLocal(check.path, src, dest, config, signal);
  }
}

async function fetchObject(
  store: ObjectStore,
  key: string,
  src: string,
  dest: string,
  maxBytes: number,
  signal: AbortSignal,
) {
  try {
    await store.downloadToFile(key, dest, maxBytes, signal);
  } catch (e) {
    await rm(dest, { force: true });
    if (signal.aborted) throw signal.reason;
    if (e instanceof ObjectTooLargeError) {
      throw new JobFailure(
        "SOURCE_TOO_LARGE",
        `${displaySrc(src)} is larger than the ${maxBytes}-byte limit`,
      );
    }
    return explainUploadFailure(store, key, src, e);
  }
}

/** Local mode only: copied from the same open handle whose size was checked. */
async function copyLocal(path: string, src: string, dest: string, config: Config, signal: AbortSignal) {
  const { handle } = await openLocalSource(path, src, config);
  try {
    await pipeline(handle.createReadStream({ autoClose: false }), createWriteStream(dest), { signal });
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
