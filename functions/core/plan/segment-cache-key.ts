import { createHash } from "node:crypto";
import type { EncoderSettings, FfmpegCommand } from "./render-plan.js";

/**
 * Bump when anything that changes a segment's bytes without changing its command changes
 * (the ffmpeg build baked into the image, BASE_ARGS semantics, the container layout).
 */
export const SEGMENT_CACHE_VERSION = 1;

/** Where a cached segment lives (the bucket's `cache/` prefix expires after 14 days). */
export const segmentCacheKey = (hash: string) => `cache/segments/${hash}.mp4`;

/** A fetched source, content-addressed, for segment workers of a fanned-out job. */
export const sourceCacheKey = (hash: string) => `cache/sources/${hash}`;

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * A segment command with every path of the job's work directory replaced by a stable token, so it
 * can be hashed independently of where it ran and re-materialised in another worker's folder:
 *  - `@@SRC:<sha256>@@`: a fetched source, named by its content hash;
 *  - `@@FILE:<k>@@`:     the k-th of the command's own text files (caption ASS), content kept here;
 *  - `@@OUT@@`:          the segment file it writes.
 */
export interface PortableSegment {
  args: string[];
  files: { token: string; content: string }[];
  /** Content hashes of the sources the command reads (each once, in first-use order). */
  sources: string[];
  durationSeconds: number;
}

const OUT = "@@OUT@@";
const srcToken = (hash: string) => `@@SRC:${hash}@@`;
const fileToken = (k: number) => `@@FILE:${k}@@`;

/**
 * Tokenises `command`. `sourceHashes` maps the local path of each fetched source to the sha256 of
 * its content. Returns undefined when an argument still names something in the work directory
 * that is neither a hashed source nor one of the command's files: its content is unknown, so the
 * segment must not be cached (or handed to another worker).
 */
export function portableSegment(
  command: FfmpegCommand,
  workDir: string,
  sourceHashes: ReadonlyMap<string, string>,
): PortableSegment | undefined {
  const dir = workDir.replace(/\/+$/, "");
  const replacements: [string, string][] = [[command.output, OUT]];
  command.files.forEach((f, k) => {
    replacements.push([f.path, fileToken(k)]);
  });
  for (const [path, hash] of sourceHashes) {
    if (!SHA256.test(hash)) throw new Error(`not a sha256 hex digest: ${JSON.stringify(hash)}`);
    replacements.push([path, srcToken(hash)]);
  }
  // Longest first, so `/w/src-1` never eats the front of `/w/src-10`.
  replacements.sort((a, b) => b[0].length - a[0].length);
  const used = new Set<string>();
  const args = command.args.map((arg) => {
    let out = arg;
    for (const [path, token] of replacements) {
      if (!out.includes(path)) continue;
      out = out.split(path).join(token);
      const hash = /^@@SRC:([0-9a-f]{64})@@$/.exec(token)?.[1];
      if (hash) used.add(hash);
    }
    return out;
  });
  if (args.some((a) => a.includes(`${dir}/`) || a === dir)) return undefined;
  return {
    args,
    files: command.files.map((f, k) => ({ token: fileToken(k), content: f.content })),
    sources: [...used],
    durationSeconds: command.durationSeconds,
  };
}

export interface SegmentKeyInputs {
  segment: PortableSegment;
  encoder: EncoderSettings;
  frame: { width: number; height: number };
  fps: number;
  frames: number;
}

/**
 * The cache key of one scene segment: sha256 over the tokenised command (which names each source
 * by its content hash), the caption files' content, the encoder settings, the frame, the frame
 * rate and count, and SEGMENT_CACHE_VERSION. Equal keys mean byte-for-byte interchangeable
 * segments, whatever the job, the work directory or the scene's position in the video.
 */
export function segmentKey(inputs: SegmentKeyInputs): string {
  const { segment, encoder, frame, fps, frames } = inputs;
  const canonical = JSON.stringify({
    v: SEGMENT_CACHE_VERSION,
    args: segment.args,
    files: segment.files.map((f) => [f.token, f.content]),
    encoder: { preset: encoder.preset, crf: encoder.crf },
    frame: [frame.width, frame.height],
    fps,
    frames,
  });
  return createHash("sha256").update(canonical).digest("hex");
}

/** Turns a portable segment back into a runnable command inside `workDir`. */
export function materialiseSegment(
  segment: PortableSegment,
  workDir: string,
  output: string,
  sourcePath: (hash: string) => string,
): FfmpegCommand {
  const dir = workDir.replace(/\/+$/, "");
  const files = segment.files.map((f, k) => ({
    token: f.token,
    path: `${dir}/seg-file-${k}.ass`,
    content: f.content,
  }));
  const args = segment.args.map((arg) =>
    arg
      .replace(/@@SRC:([0-9a-f]{64})@@/g, (_m, hash: string) => sourcePath(hash))
      .replace(/@@FILE:(\d+)@@/g, (_m, k: string) => files[Number(k)]?.path ?? "")
      .split(OUT)
      .join(output),
  );
  return {
    args,
    output,
    durationSeconds: segment.durationSeconds,
    files: files.map(({ path, content }) => ({ path, content })),
  };
}
