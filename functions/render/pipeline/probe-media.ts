import { execFile } from "node:child_process";
import { JobFailure } from "../../core/errors.js";
import type { SourceInfo, SourceMap } from "../../core/plan/render-plan.js";
import { buildTimeline } from "../../core/plan/scene-timeline.js";
import type { ProjectLimits } from "../../core/schema/limits.js";
import type { Project } from "../../core/schema/project.js";
import { displaySrc } from "../../core/schema/source-policy.js";
import { mapConcurrent } from "./map-concurrent.js";
import { readMediaFormat } from "./media-format.js";

export interface ProbeOptions {
  ffprobePath: string;
  /** @default 30 s: a probe reads headers only, so a slow one means a hostile or broken file. */
  timeoutMs?: number;
  /**
   * Largest picture (width × height) a source may have (VIDEOCRAFT_MAX_SOURCE_PIXELS): a PNG of
   * a few KB can declare 16000×16000, which every decode would blow up to gigabytes.
   * @default no limit beyond ffmpeg's own
   */
  maxPixels?: number;
  /** Aborting (the job was cancelled) kills a running ffprobe at once. */
  signal?: AbortSignal | undefined;
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  duration?: string;
  nb_frames?: string;
  avg_frame_rate?: string;
  pix_fmt?: string;
  r_frame_rate?: string;
  start_time?: string;
  disposition?: { attached_pic?: number };
  tags?: { rotate?: string };
  side_data_list?: { rotation?: number }[];
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string; start_time?: string };
}

/** Codecs that carry pictures (one frame, or a GIF) rather than motion video. */
const IMAGE_CODECS = new Set([
  "png",
  "mjpeg",
  "jpegls",
  "jpeg2000",
  "webp",
  "bmp",
  "gif",
  "tiff",
  "ppm",
  "pgm",
  "pam",
  "qoi",
  "targa",
]);
/** Pixel formats that carry transparency (or a palette, which may). */
const ALPHA_FORMAT = /^(yuva|rgba|bgra|argb|abgr|gbrap|ya|pal)/;
/** Demuxers of single image files (see media-format.ts). */
const IMAGE_FORMAT = /^[a-z0-9]+_pipe$/;

/**
 * Reads duration, streams and size of a fetched source; anything ffmpeg can't use is
 * SOURCE_INVALID_MEDIA. The demuxer comes from the file's first bytes, never from ffprobe's own
 * guess, so a playlist or script is refused before ffprobe could follow what it names.
 */
export async function probeMedia(path: string, options: ProbeOptions): Promise<SourceInfo> {
  const demuxer = await readMediaFormat(path);
  const out = await runFfprobe(path, demuxer, options);
  const format = out.format ?? {};
  const streams = out.streams ?? [];
  // Cover art in an MP3/M4A is a video stream too, but the file is audio to the user.
  const video = streams.find(
    (s) => s.codec_type === "video" && s.codec_name && s.disposition?.attached_pic !== 1,
  );
  const hasAudio = streams.some((s) => s.codec_type === "audio" && s.codec_name);
  if (!video && !hasAudio) throw invalid("no audio or video stream in it");
  const isStill = !hasAudio && video !== undefined && isSingleImage(video, format.format_name ?? "");
  const quarterTurn = video ? Math.abs(rotationOf(video)) % 180 === 90 : false;
  const width = positive(quarterTurn ? video?.height : video?.width);
  const height = positive(quarterTurn ? video?.width : video?.height);
  if (video && (width === undefined || height === undefined)) {
    // ffmpeg leaves the size unset when it refuses the picture (e.g. 20000×20000 is past its limit).
    throw invalid("the picture has no usable size (too large or broken)");
  }
  if (width !== undefined && height !== undefined && options.maxPixels !== undefined) {
    if (width * height > options.maxPixels) {
      throw new JobFailure(
        "SOURCE_TOO_LARGE",
        `the picture is ${width}x${height}, more than the ${options.maxPixels}-pixel limit`,
      );
    }
  }
  const durationSeconds = isStill ? undefined : durationOf(format, streams);
  if (!isStill && durationSeconds === undefined && (!video || format.duration !== undefined)) {
    // An audio file with no samples (or a container that says 0 s) has nothing to play or time a scene by.
    throw invalid("it lasts 0 s (no samples or frames)");
  }
  return {
    path,
    format: demuxer,
    durationSeconds,
    hasVideo: video !== undefined,
    hasAudio,
    width,
    height,
    isStill,
    // What a clip needs to be the base frame of a chunked scene (stills are neither).
    ...(video && !isStill ? { frameGrid: frameGridOf(video, format) } : {}),
    ...(video?.pix_fmt && !isStill ? { alpha: ALPHA_FORMAT.test(video.pix_fmt) } : {}),
  };
}

/** Probes every fetched source (src → local path), a few at a time, each local file once. */
export async function probeSources(
  paths: ReadonlyMap<string, string>,
  options: ProbeOptions & { concurrency?: number },
): Promise<SourceMap> {
  // Several src spellings of one local file share its copy (see fetchSources): one probe each.
  const firstSrc = new Map<string, string>();
  for (const [src, path] of paths) if (!firstSrc.has(path)) firstSrc.set(path, src);
  const unique = [...firstSrc];
  const infos = await mapConcurrent(
    unique,
    options.concurrency ?? 4,
    async ([path, src], _i, signal) => {
      try {
        return await probeMedia(path, { ...options, signal });
      } catch (e) {
        // The local path means nothing to the client; the source it came from does.
        if (e instanceof JobFailure) throw new JobFailure(e.code, `${displaySrc(src)}: ${e.message}`);
        throw e;
      }
    },
    options.signal,
  );
  const byPath = new Map(unique.map(([path], i) => [path, infos[i]!]));
  return new Map([...paths].map(([src, path]) => [src, byPath.get(path)!]));
}

/**
 * Limits only known once every source is probed: how long the video will be when scenes last as
 * long as their audio. Throws SOURCE_TOO_LARGE naming the scene that passes the limit.
 */
export function checkProbedLimits(
  project: Project,
  sources: SourceMap,
  limits: Pick<ProjectLimits, "maxVideoSeconds">,
): void {
  let timeline: ReturnType<typeof buildTimeline>;
  try {
    timeline = buildTimeline(project, sources);
  } catch (e) {
    // e.g. a scene timed by an audio whose length no probe could tell: retrying can't fix that.
    throw invalid((e as Error).message);
  }
  if (timeline.totalDuration <= limits.maxVideoSeconds) return;
  const over = timeline.scenes.find((s) => s.start + s.duration > limits.maxVideoSeconds);
  const which = over ? ` (passed in scenes[${over.index}] "${over.id}")` : "";
  throw new JobFailure(
    "SOURCE_TOO_LARGE",
    `the video would last ${Math.round(timeline.totalDuration)} s${which}, longer than the ${limits.maxVideoSeconds} s limit`,
  );
}

function runFfprobe(path: string, demuxer: string, options: ProbeOptions): Promise<FfprobeOutput> {
  const args = [
    ...["-v", "error", "-f", demuxer, "-protocol_whitelist", "file"],
    ...["-print_format", "json", "-show_format", "-show_streams", path],
  ];
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      options.ffprobePath,
      args,
      {
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 16 * 1024 * 1024,
        encoding: "utf8",
        killSignal: "SIGKILL",
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (error, stdout, stderr) => {
        if (error) {
          if (options.signal?.aborted) {
            // Node reports the abort as soon as it sends the kill; settle only once the child is gone,
            // so a cancelled job never leaves an ffprobe behind it.
            const cancelled = () => reject(new JobFailure("CANCELLED", "the job was cancelled"));
            if (child.exitCode === null && child.signalCode === null) child.once("exit", cancelled);
            else cancelled();
            return;
          }
          // A missing binary is a broken deployment, not a bad source: let the job be retried.
          if ((error as NodeJS.ErrnoException).code === "ENOENT") return reject(error);
          if (error.killed)
            return reject(
              invalid(`not readable media (ffprobe took over ${options.timeoutMs ?? 30_000} ms)`),
            );
          const reason = stderr.trim().split("\n").at(-1)?.replace(path, "").replace(/^:\s*/, "");
          return reject(invalid(`not readable media${reason ? ` (${reason.slice(0, 200)})` : ""}`));
        }
        try {
          resolvePromise(JSON.parse(stdout) as FfprobeOutput);
        } catch {
          reject(invalid("not readable media (ffprobe printed no JSON)"));
        }
      },
    );
  });
}

function isSingleImage(video: FfprobeStream, formatName: string): boolean {
  if (!IMAGE_CODECS.has(video.codec_name ?? "")) return false;
  const frames = Number(video.nb_frames);
  // Image demuxers report no frame count; GIF/WebP containers do, and more than one is an animation.
  if (Number.isFinite(frames) && frames > 0) return frames === 1;
  return IMAGE_FORMAT.test(formatName) || !Number(video.duration);
}

/** A constant frame rate (average = real base rate) and where the first frame sits; undefined otherwise. */
function frameGridOf(
  video: FfprobeStream,
  format: NonNullable<FfprobeOutput["format"]>,
): SourceInfo["frameGrid"] {
  const rate = (r: string | undefined) => {
    const m = /^(\d+)\/(\d+)$/.exec(r ?? "");
    return m && Number(m[2]) > 0 ? Number(m[1]) / Number(m[2]) : Number.NaN;
  };
  const fps = rate(video.avg_frame_rate);
  if (!(fps > 0 && fps <= 1000) || Math.abs(fps - rate(video.r_frame_rate)) > 1e-6) return undefined;
  const offset = Number(video.start_time ?? 0) - Number(format.start_time ?? 0);
  return { fps, offset: Number.isFinite(offset) && offset > 0 ? offset : 0 };
}

function rotationOf(video: FfprobeStream): number {
  const fromSideData = video.side_data_list?.find((d) => typeof d.rotation === "number")?.rotation;
  return fromSideData ?? Number(video.tags?.rotate ?? 0);
}

function durationOf(format: FfprobeOutput["format"], streams: FfprobeStream[]): number | undefined {
  const container = Number(format?.duration);
  if (Number.isFinite(container) && container > 0) return container;
  const longest = Math.max(0, ...streams.map((s) => Number(s.duration)).filter(Number.isFinite));
  return longest > 0 ? longest : undefined;
}

function positive(n: number | undefined): number | undefined {
  return n !== undefined && n > 0 ? n : undefined;
}

function invalid(what: string): JobFailure {
  return new JobFailure("SOURCE_INVALID_MEDIA", what);
}
