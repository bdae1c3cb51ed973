import { isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Config } from "../config.js";
import type { IssueDetail } from "../errors.js";
import type { Project } from "./project.js";
import type { ElementInput } from "./request-schema.js";

/**
 * Which element `src` URLs a deployment accepts. Decided from the URL text alone, so the
 * API rejects a bad source at validation time and the worker re-checks before fetching. Where an
 * https host points is only known when it is resolved: that check belongs to the fetcher.
 */
export interface SourcePolicy {
  /** The deployment's bucket: the only one `s3://` sources may name. */
  bucket: string;
  /** Plain http (local development, where private sources are allowed too). */
  allowHttp: boolean;
  /** `file://` sources are accepted only inside this directory (local mode). */
  localAllowedDir?: string;
}

export type SourceCheck =
  | { ok: true; kind: "https" | "http"; url: URL }
  | { ok: true; kind: "s3"; url: URL; bucket: string; key: string }
  | { ok: true; kind: "file"; url: URL; path: string }
  | { ok: false; code: "SOURCE_FORBIDDEN"; message: string };

/** User uploads arrive here through presigned PUTs; nothing else in the bucket is a source. */
const UPLOADS_PREFIX = "uploads/";

export function policyFromConfig(config: Config): SourcePolicy {
  return {
    bucket: config.bucket,
    allowHttp: config.allowPrivateSources,
    ...(config.localAllowedDir ? { localAllowedDir: config.localAllowedDir } : {}),
  };
}

export function checkSourceUrl(src: string, policy: SourcePolicy): SourceCheck {
  let url: URL;
  try {
    url = new URL(src);
  } catch {
    return forbidden(`${displaySrc(src)} is not a URL`);
  }
  switch (url.protocol) {
    case "https:":
      return { ok: true, kind: "https", url };
    case "http:":
      return policy.allowHttp
        ? { ok: true, kind: "http", url }
        : forbidden(`${displaySrc(src)}: plain http sources are not allowed, use https`);
    case "s3:":
      return checkS3(src, url, policy);
    case "file:":
      return checkFile(src, url, policy);
    default:
      return forbidden(`${displaySrc(src)}: the ${url.protocol.slice(0, -1)} scheme is not allowed`);
  }
}

function checkS3(src: string, url: URL, policy: SourcePolicy): SourceCheck {
  // The raw text is split by hand: the URL parser silently folds `uploads/../jobs/x` to `jobs/x`,
  // and a key that needed folding is a probe for other prefixes, not an upload.
  const m = /^s3:\/\/([^/?#]*)\/([^?#]*)$/i.exec(src);
  if (!m || url.username || url.password || url.port) {
    return forbidden(`${displaySrc(src)}: expected s3://${policy.bucket}/${UPLOADS_PREFIX}<key>`);
  }
  const [, bucket = "", rawKey = ""] = m;
  if (bucket !== policy.bucket) {
    return forbidden(`${displaySrc(src)}: only the bucket ${policy.bucket} may be used`);
  }
  let key: string;
  try {
    key = decodeURIComponent(rawKey);
  } catch {
    return forbidden(`${displaySrc(src)}: the key is not valid percent-encoding`);
  }
  const segments = key.split("/");
  if (
    !key.startsWith(UPLOADS_PREFIX) ||
    segments.some((s) => s === ".." || s === ".") ||
    key.includes("\\")
  ) {
    return forbidden(`${displaySrc(src)}: only keys under ${UPLOADS_PREFIX} (without ./..) may be used`);
  }
  if (key.length === UPLOADS_PREFIX.length || key.endsWith("/")) {
    return forbidden(`${displaySrc(src)}: the key names a folder, not a file`);
  }
  return { ok: true, kind: "s3", url, bucket, key };
}

function checkFile(src: string, url: URL, policy: SourcePolicy): SourceCheck {
  if (!policy.localAllowedDir) {
    return forbidden(`${displaySrc(src)}: file sources are only allowed in local mode`);
  }
  let path: string;
  try {
    path = resolve(fileURLToPath(url));
  } catch {
    // e.g. a remote host (file://server/share) or an encoded '/' in the path.
    return forbidden(`${displaySrc(src)} is not a local file path`);
  }
  if (!isInside(resolve(policy.localAllowedDir), path)) {
    return forbidden(`${displaySrc(src)} is outside the allowed directory ${policy.localAllowedDir}`);
  }
  return { ok: true, kind: "file", url, path };
}

/** Lexical containment; the fetcher repeats it on real paths to see through symlinks. */
export function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** Every element `src` of a project with its JSON path, global elements first, in document order. */
export function sourceUses(project: Project): { src: string; path: string }[] {
  const uses: { src: string; path: string }[] = [];
  const visit = (elements: readonly ElementInput[], base: string) => {
    elements.forEach((el, i) => {
      if ("src" in el) uses.push({ src: el.src, path: `${base}elements[${i}].src` });
    });
  };
  visit(project.elements, "");
  project.scenes.forEach((scene, i) => {
    visit(scene.elements, `scenes[${i}].`);
  });
  return uses;
}

/**
 * Every forbidden `src` of a project, each with its JSON path, so the API can refuse the request
 * instead of queueing a job that is bound to fail.
 */
export function checkProjectSources(project: Project, policy: SourcePolicy): IssueDetail[] {
  // One check per distinct src: a request may use one URL in thousands of elements.
  const refusal = new Map<string, string | undefined>();
  return sourceUses(project).flatMap(({ src, path }) => {
    if (!refusal.has(src)) {
      const check = checkSourceUrl(src, policy);
      refusal.set(src, check.ok ? undefined : check.message);
    }
    const message = refusal.get(src);
    return message === undefined ? [] : [{ path, message }];
  });
}

/**
 * What makes two `src` values one source to fetch and probe: a local file is its resolved path
 * (a query string or fragment changes nothing on disk, so a thousand `?n` variants of one file
 * are one copy and one probe), an upload its key, an http(s) URL its whole text (there the query
 * string may well choose the content). A src the policy refuses stays its own text.
 */
export function sourceIdentity(src: string, policy: SourcePolicy): string {
  const check = checkSourceUrl(src, policy);
  if (!check.ok) return src;
  switch (check.kind) {
    case "file":
      return `file:${check.path}`;
    case "s3":
      return `s3:${check.bucket}/${check.key}`;
    default:
      return src;
  }
}

/**
 * Each distinct source is a download, a copy on the worker's disk and a probe, so a project may
 * name at most `max` of them; the first one past the cap is refused at its JSON path.
 */
export function checkSourceCount(project: Project, policy: SourcePolicy, max: number): IssueDetail[] {
  const seen = new Set<string>();
  const counted = new Set<string>();
  for (const { src, path } of sourceUses(project)) {
    if (counted.has(src)) continue;
    counted.add(src);
    seen.add(sourceIdentity(src, policy));
    if (seen.size > max) {
      return [
        {
          path,
          message: `the project names more than ${max} distinct sources (VIDEOCRAFT_MAX_SOURCES_PER_JOB); reuse files or split the video`,
        },
      ];
    }
  }
  return [];
}

/**
 * A source as it may appear in messages and logs: query strings and fragments (which carry
 * signatures and tokens in presigned URLs) and credentials are dropped.
 */
export function displaySrc(src: string): string {
  let url: URL;
  try {
    url = new URL(src);
  } catch {
    const cut = src.search(/[?#]/);
    return JSON.stringify(truncate(cut >= 0 ? src.slice(0, cut) : src));
  }
  const origin = url.origin !== "null" ? url.origin : `${url.protocol}//${url.host}`;
  return truncate(`${origin}${url.pathname}`);
}

function truncate(s: string, max = 300): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function forbidden(message: string): SourceCheck {
  return { ok: false, code: "SOURCE_FORBIDDEN", message };
}
