import { mkdir, mkdtemp, open, rm, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config } from "../../core/config.js";
import { isSourceFailureCode, JobFailure, type SourceFailureCode } from "../../core/errors.js";
import { type ObjectStore, ObjectTooLargeError } from "../../core/ports/object-store.js";
import type { ProbeSources, SourceProbe } from "../../core/ports/source-prober.js";
import { checkSourceUrl, displaySrc, policyFromConfig } from "../../core/schema/source-policy.js";
import { explainUploadFailure, openLocalSource } from "./local-source.js";
import { probeMedia } from "./probe-media.js";
import { type Resolver, safeFetchHead, sourceFetchOptions } from "./safe-fetch.js";

/**
 * Probes sources for `?dry_run=true` without downloading them: the first {@link HEAD_BYTES} of a
 * remote source (a ranged GET through the SSRF-safe fetcher, or a ranged S3 read) land in a temp
 * file, which is grown (sparsely) to the source's declared size so that ffprobe's size-based
 * duration estimates (WAV, CBR MP3) see the real length; then the worker's own probe reads it.
 * Every failure the worker would end the job with is returned as `failed` with its code.
 */

export interface ProbeSourcesDeps {
  config: Config;
  store: ObjectStore;
  /** DNS override for tests; production uses the system resolver. */
  resolver?: Resolver;
  /** @default HEAD_BYTES */
  headBytes?: number;
  /** @default PROBE_CONCURRENCY */
  concurrency?: number;
  /** @default PROBE_DEADLINE_MS */
  deadlineMs?: number;
}

/** Enough for the headers of WAV/MP3/images and of MP4s with the index in front (faststart). */
export const HEAD_BYTES = 1024 * 1024;
export const PROBE_CONCURRENCY = 8;
/** Well inside API Gateway's 29 s; sources not probed by then are reported `not_probed`. */
export const PROBE_DEADLINE_MS = 20_000;

/** The dry run's source probing (the ProbeSources port) as the render worker would do it. */
export const sourceHeadProber =
  (deps: ProbeSourcesDeps): ProbeSources =>
  (srcs) =>
    probeSourceHeads(srcs, deps);

async function probeSourceHeads(
  srcs: readonly string[],
  deps: ProbeSourcesDeps,
): Promise<Map<string, SourceProbe>> {
  const results = new Map<string, SourceProbe>();
  const deadlineMs = deps.deadlineMs ?? PROBE_DEADLINE_MS;
  const deadline = AbortSignal.timeout(deadlineMs);
  const endsAt = Date.now() + deadlineMs;
  const root = deps.config.workDir ?? tmpdir();
  // The configured work directory may not exist yet (the worker creates it on its first job).
  await mkdir(root, { recursive: true });
  const dir = await mkdtemp(join(root, "dry-run-"));
  try {
    let next = 0;
    const worker = async () => {
      while (next < srcs.length && !deadline.aborted) {
        const index = next++;
        const src = srcs[index]!;
        const dest = join(dir, `head-${index}`);
        results.set(src, await probeOne(src, dest, deps, deadline, endsAt));
        await rm(dest, { force: true });
      }
    };
    const workers = Array.from(
      { length: Math.min(deps.concurrency ?? PROBE_CONCURRENCY, srcs.length) },
      worker,
    );
    // A probe stuck past the deadline (a slow ffprobe) is not waited for.
    await Promise.race([Promise.all(workers), abortedPromise(deadline)]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  for (const src of srcs) {
    if (!results.has(src)) {
      results.set(src, {
        status: "not_probed",
        bytesRead: 0,
        note: `not probed: probing stopped after ${deadlineMs / 1000} s`,
      });
    }
  }
  return results;
}

function abortedPromise(signal: AbortSignal): Promise<void> {
  return new Promise((resolvePromise) => {
    if (signal.aborted) resolvePromise();
    else signal.addEventListener("abort", () => resolvePromise(), { once: true });
  });
}

interface Head {
  bytes: number;
  totalBytes: number | undefined;
  complete: boolean;
  /** The file to probe: the temp file, or a local source itself. */
  path: string;
}

async function probeOne(
  src: string,
  dest: string,
  deps: ProbeSourcesDeps,
  signal: AbortSignal,
  endsAt: number,
): Promise<SourceProbe> {
  const shown = displaySrc(src);
  let head: Head;
  try {
    head = await readHead(src, dest, deps, signal);
  } catch (e) {
    if (e instanceof JobFailure && isSourceFailureCode(e.code)) {
      return { status: "failed", bytesRead: 0, failure: failure(e.code, e.message, shown) };
    }
    if (signal.aborted) return { status: "not_probed", bytesRead: 0, note: "not probed: time ran out" };
    return { status: "not_probed", bytesRead: 0, note: `not probed: ${errorName(e)}` };
  }
  const base = {
    bytesRead: head.bytes,
    ...(head.totalBytes !== undefined ? { sizeBytes: head.totalBytes } : {}),
  };
  try {
    if (!head.complete && head.totalBytes !== undefined && head.path === dest) {
      // Sparse: no disk or transfer, but ffprobe sees a file as long as the source.
      await truncate(dest, head.totalBytes);
    }
    const timeoutMs = Math.max(1000, Math.min(10_000, endsAt - Date.now()));
    const info = await probeMedia(head.path, {
      ffprobePath: deps.config.ffmpeg.probePath,
      maxPixels: deps.config.limits.maxSourcePixels,
      timeoutMs,
      // Past the deadline nobody waits for the answer: stop the ffprobe too.
      signal,
    });
    const note = head.complete
      ? undefined
      : `probed from the first ${head.bytes} bytes${head.totalBytes === undefined ? "; the server did not tell the size" : ""}`;
    return { status: "probed", ...base, info: { ...info, path: "" }, ...(note ? { note } : {}) };
  } catch (e) {
    if (signal.aborted) return { status: "not_probed", ...base, note: "not probed: time ran out" };
    if (!(e instanceof JobFailure) || !isSourceFailureCode(e.code)) {
      // ENOENT: no ffprobe where the API runs; the size checks still stand.
      return { status: "not_probed", ...base, note: `media not probed (${errorName(e)})` };
    }
    if (!head.complete && e.code === "SOURCE_INVALID_MEDIA" && (await isIsoMedia(dest))) {
      return {
        status: "not_probed",
        ...base,
        note: `an MP4/MOV whose index (moov) is not in its first ${head.bytes} bytes (not faststart): duration known only at render`,
      };
    }
    const why = head.complete ? "" : ` (from its first ${head.bytes} bytes)`;
    return { status: "failed", ...base, failure: { code: e.code, message: `${shown}: ${e.message}${why}` } };
  }
}

async function readHead(
  src: string,
  dest: string,
  deps: ProbeSourcesDeps,
  signal: AbortSignal,
): Promise<Head> {
  const { config } = deps;
  const headBytes = deps.headBytes ?? HEAD_BYTES;
  const check = checkSourceUrl(src, policyFromConfig(config));
  if (!check.ok) throw new JobFailure(check.code, check.message);
  switch (check.kind) {
    case "https":
    case "http": {
      const r = await safeFetchHead(
        src,
        dest,
        headBytes,
        sourceFetchOptions(config, { signal, resolver: deps.resolver }),
      );
      return { bytes: r.bytes, totalBytes: r.totalBytes, complete: r.complete, path: dest };
    }
    case "s3":
      return readObjectHead(deps.store, check.key, src, dest, headBytes, config.maxSourceBytes);
    case "file":
      return statLocal(check.path, src, config);
  }
}

async function readObjectHead(
  store: ObjectStore,
  key: string,
  src: string,
  dest: string,
  headBytes: number,
  maxBytes: number,
): Promise<Head> {
  const tooLarge = () =>
    new JobFailure("SOURCE_TOO_LARGE", `${displaySrc(src)} is larger than the ${maxBytes}-byte limit`);
  try {
    if (store.downloadHead) {
      const r = await store.downloadHead(key, dest, headBytes);
      if (r.totalBytes > maxBytes) throw tooLarge();
      return { bytes: r.bytes, totalBytes: r.totalBytes, complete: r.bytes >= r.totalBytes, path: dest };
    }
    // A store without ranged reads: our own bucket, capped like the worker's download.
    const { bytes } = await store.downloadToFile(key, dest, maxBytes);
    return { bytes, totalBytes: bytes, complete: true, path: dest };
  } catch (e) {
    if (e instanceof JobFailure) throw e;
    if (e instanceof ObjectTooLargeError) throw tooLarge();
    return explainUploadFailure(store, key, src, e);
  }
}

/** Local mode: the same checks as the worker's copy; the file is probed in place. */
async function statLocal(path: string, src: string, config: Config): Promise<Head> {
  const { handle, real, size } = await openLocalSource(path, src, config);
  await handle.close();
  return { bytes: 0, totalBytes: size, complete: true, path: real };
}

/** An ISO base media file (MP4, MOV, M4A) starts with a box whose type is `ftyp`. */
async function isIsoMedia(path: string): Promise<boolean> {
  const handle = await open(path, "r").catch(() => undefined);
  if (!handle) return false;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(8), 0, 8, 0);
    return bytesRead === 8 && buffer.subarray(4, 8).toString("latin1") === "ftyp";
  } finally {
    await handle.close();
  }
}

function failure(code: SourceFailureCode, message: string, shown: string): SourceProbe["failure"] {
  return { code, message: message.includes(shown) ? message : `${shown}: ${message}` };
}

function errorName(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : e instanceof Error ? e.name : "error";
}
