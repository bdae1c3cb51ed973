import { availableParallelism } from "node:os";
import { z } from "zod";
import { resolveEnvAliases } from "./env-aliases.js";
import { METRIC_NAMESPACE } from "./metric-names.js";
import { DEFAULT_LIMITS, HARD_LIMITS, type ProjectLimits } from "./schema/limits.js";
import { DEFAULT_WHISPER_MODEL } from "./whisper-models.js";

/**
 * Configuration is read once at start-up from environment variables and frozen.
 * Names follow VideoCraft's own variables (`VIDEOCRAFT_FFMPEG_PRESET`, …) where they mean the same thing,
 * and VideoCraft's other names for our settings are read too (env-aliases.ts).
 * An invalid value fails start-up with a message naming the variable.
 */

const bool = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1")
  .default(false);

const UNIT_BYTES: Record<string, number> = { "": 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Accepts `2147483648`, `2GB`, `512mb`. */
const byteSize = z.string().transform((raw, ctx) => {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(raw.trim());
  if (!m) {
    ctx.addIssue({ code: "custom", message: `expected a size such as 2GB or 1048576, got "${raw}"` });
    return z.NEVER;
  }
  return Math.floor(Number(m[1]) * (UNIT_BYTES[(m[2] ?? "").toLowerCase()] ?? 1));
});

const UNIT_SECONDS: Record<string, number> = { "": 1, ms: 0.001, s: 1, m: 60, h: 3600 };

/** Accepts `900`, `900s`, `15m`, `2h` (VideoCraft's configuration writes timeouts as Go durations). */
const durationSeconds = z.string().transform((raw, ctx) => {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(raw.trim());
  if (!m) {
    ctx.addIssue({ code: "custom", message: `expected a duration such as 15m, 900s or 900, got "${raw}"` });
    return z.NEVER;
  }
  return Number(m[1]) * (UNIT_SECONDS[(m[2] ?? "").toLowerCase()] ?? 1);
});

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** `3840x2160` (either order): the longer and the shorter side of the largest output frame. */
const resolutionLimit = z.string().transform((raw, ctx) => {
  const m = /^(\d{2,5})x(\d{2,5})$/.exec(raw.trim());
  const [a, b] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  const long = Math.max(a, b);
  const short = Math.min(a, b);
  if (!m || short < 16 || long > HARD_LIMITS.maxLongSide || short > HARD_LIMITS.maxShortSide) {
    ctx.addIssue({
      code: "custom",
      message: `expected WIDTHxHEIGHT from 16x16 up to ${HARD_LIMITS.maxLongSide}x${HARD_LIMITS.maxShortSide}, got "${raw}"`,
    });
    return z.NEVER;
  }
  return { long, short };
});

/** `67108864` or `8192x8192`. */
const pixelCount = z.string().transform((raw, ctx) => {
  const m = /^(\d+)(?:x(\d+))?$/.exec(raw.trim());
  const n = m ? Number(m[1]) * Number(m[2] ?? 1) : 0;
  if (!m || n < 1 || n > HARD_LIMITS.maxSourcePixels) {
    ctx.addIssue({
      code: "custom",
      message: `expected a pixel count such as 8192x8192 or 67108864 (at most ${HARD_LIMITS.maxSourcePixels}), got "${raw}"`,
    });
    return z.NEVER;
  }
  return n;
});

/** S3 refuses a SigV4 presigned URL that lives longer than 7 days. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

const PRESETS = [
  "ultrafast",
  "superfast",
  "veryfast",
  "faster",
  "fast",
  "medium",
  "slow",
  "slower",
  "veryslow",
] as const;

const envSchema = z.object({
  VIDEOCRAFT_BUCKET: z.string().min(3),
  VIDEOCRAFT_QUEUE_URL: z.url(),
  VIDEOCRAFT_DLQ_URL: z.url().optional(),
  /** FIFO queue of "assemble this job" messages; set, it turns fan-out across workers on. */
  VIDEOCRAFT_ASSEMBLY_QUEUE_URL: z.url().optional(),
  VIDEOCRAFT_FANOUT_MIN_SCENES: int(2, HARD_LIMITS.maxScenes + 1).default(2),
  /** Longest chunk a scene is split into when fanned out: `auto` (from the encode estimate) or a duration. */
  VIDEOCRAFT_CHUNK_SECONDS: z
    .union([
      z.literal("auto"),
      durationSeconds.refine((s) => s >= 1, { message: "must be auto or at least 1 s" }),
    ])
    .default("auto"),
  /** The function a dry run invokes to probe sources (the API on AWS; CDK sets it). */
  VIDEOCRAFT_PROBE_FUNCTION: z.string().min(1).optional(),
  /** The render function's timeout and memory (the stack's settings; Lambda's maximum and a 3 GB worker locally). */
  VIDEOCRAFT_RENDER_TIMEOUT: durationSeconds
    .refine((s) => s >= 1 && s <= 900, { message: "must be from 1 s to 900 s, Lambda's longest timeout" })
    .default(900),
  VIDEOCRAFT_RENDER_MEMORY_MB: int(128, 10240).default(3008),
  /** Render invocations one queue may run at once (the stack's renderMaxConcurrency). */
  VIDEOCRAFT_RENDER_MAX_CONCURRENCY: int(1, 1000).default(10),
  /** Only for the embedded emulator; unset on AWS. */
  VIDEOCRAFT_AWS_ENDPOINT: z.url().optional(),
  /** The secret requests to VIDEOCRAFT_AWS_ENDPOINT are signed with (the embedded emulator makes one per run). */
  VIDEOCRAFT_AWS_ENDPOINT_SECRET: z.string().min(1).optional(),
  AWS_REGION: z.string().default("us-east-1"),
  /** `api-key`: the handler checks VIDEOCRAFT_API_KEY itself (local mode); `gateway`: API Gateway already did. */
  VIDEOCRAFT_AUTH: z.enum(["api-key", "gateway"]).default("api-key"),
  VIDEOCRAFT_API_KEY: z.string().min(16).optional(),
  /** More keys for `api-key` mode, comma-separated: one per client, each sees only its own jobs. */
  VIDEOCRAFT_API_KEYS: z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((k) => k.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().min(16, { message: "each key needs 16+ characters" })))
    .default([]),
  VIDEOCRAFT_FFMPEG_PRESET: z.enum(PRESETS).default("veryfast"),
  VIDEOCRAFT_FFMPEG_QUALITY: int(0, 51).default(23),
  VIDEOCRAFT_FFMPEG_TIMEOUT: durationSeconds.default(900),
  /** x264 threads: `auto` matches the machine's (the function's) vCPUs. */
  VIDEOCRAFT_FFMPEG_THREADS: z.union([z.literal("auto"), int(1, 64)]).default("auto"),
  VIDEOCRAFT_FFMPEG_PATH: z.string().default("ffmpeg"),
  VIDEOCRAFT_FFPROBE_PATH: z.string().default("ffprobe"),
  VIDEOCRAFT_TRANSCRIPTION_MODEL: z.string().default(DEFAULT_WHISPER_MODEL),
  VIDEOCRAFT_STORAGE_RETENTION_DAYS: int(1, 3650).default(7),
  VIDEOCRAFT_STORAGE_MAX_FILE_SIZE: byteSize.default(2 * 1024 ** 3),
  VIDEOCRAFT_MAX_SOURCES_PER_JOB: int(
    1,
    HARD_LIMITS.maxScenes * HARD_LIMITS.maxElementsPerScene + 20,
  ).default(500),
  VIDEOCRAFT_MAX_JOB_SOURCE_BYTES: byteSize.default(4 * 1024 ** 3),
  VIDEOCRAFT_FFMPEG_MAX_MEMORY: byteSize
    .refine((n) => n >= 64 * 1024 ** 2, { message: "must be at least 64MB" })
    .default(2.5 * 1024 ** 3),
  VIDEOCRAFT_JOB_MAX_CONCURRENT: int(1, 1000).default(1),
  VIDEOCRAFT_MAX_PROJECTS_PER_REQUEST: int(1, 1000).default(20),
  VIDEOCRAFT_MAX_SCENES: int(1, HARD_LIMITS.maxScenes).default(HARD_LIMITS.maxScenes),
  VIDEOCRAFT_MAX_ELEMENTS_PER_SCENE: int(1, HARD_LIMITS.maxElementsPerScene).default(
    HARD_LIMITS.maxElementsPerScene,
  ),
  VIDEOCRAFT_MAX_VIDEO_SECONDS: durationSeconds
    .refine((s) => s >= 1 && s <= HARD_LIMITS.maxVideoSeconds, {
      message: `must be from 1 s to ${HARD_LIMITS.maxVideoSeconds / 3600} h`,
    })
    .default(DEFAULT_LIMITS.maxVideoSeconds),
  VIDEOCRAFT_MAX_RESOLUTION: resolutionLimit.default({
    long: HARD_LIMITS.maxLongSide,
    short: HARD_LIMITS.maxShortSide,
  }),
  VIDEOCRAFT_MAX_SOURCE_PIXELS: pixelCount.default(DEFAULT_LIMITS.maxSourcePixels),
  VIDEOCRAFT_MAX_RECEIVE_COUNT: int(1, 100).default(3),
  VIDEOCRAFT_PRESIGN_EXPIRES: durationSeconds
    .refine((s) => s >= 1 && s <= MAX_PRESIGN_SECONDS, {
      message: `must be from 1 s to 7 days (${MAX_PRESIGN_SECONDS} s), the longest S3 accepts for a signed URL`,
    })
    .default(3600),
  VIDEOCRAFT_FETCH_CONNECT_TIMEOUT: durationSeconds.default(10),
  VIDEOCRAFT_FETCH_READ_TIMEOUT: durationSeconds.default(30),
  VIDEOCRAFT_FETCH_TOTAL_TIMEOUT: durationSeconds.default(600),
  VIDEOCRAFT_LOCAL_ALLOWED_DIR: z.string().optional(),
  VIDEOCRAFT_ALLOW_PRIVATE_SOURCES: bool,
  VIDEOCRAFT_WORK_DIR: z.string().optional(),
  /** The built studio (local/build-studio.ts) the API serves at /studio; unset: no studio. */
  VIDEOCRAFT_STUDIO_DIR: z.string().optional(),
  VIDEOCRAFT_VERSION: z.string().default("0.1.0"),
  /** CloudWatch namespace of the EMF metrics; the stack sets one per deployment. */
  VIDEOCRAFT_METRIC_NAMESPACE: z
    .string()
    .regex(/^(?!AWS\/)[A-Za-z0-9._/#:\- ]{1,255}$/, {
      message: 'letters, digits and . _ / # : - or space, not starting with "AWS/"',
    })
    .default(METRIC_NAMESPACE),
  /** `*` or comma-separated origins (`https://app.example.com,https://admin.example.com`). */
  VIDEOCRAFT_CORS_ORIGIN: z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.union([z.literal("*"), z.url()])).min(1))
    .default(["*"]),
  /** VideoCraft's switch; off, it cannot be honoured: every route but health checks needs a key here. */
  VIDEOCRAFT_SECURITY_ENABLE_AUTH: z
    .enum(["true", "1"], { message: "authentication cannot be turned off; unset it or set true" })
    .optional(),
  /** VideoCraft's CSRF check on its state-changing routes (X-CSRF-Token from GET /api/v1/csrf-token). */
  VIDEOCRAFT_SECURITY_ENABLE_CSRF: bool,
  VIDEOCRAFT_SECURITY_CSRF_SECRET: z.string().min(32).optional(),
});

export type Config = Readonly<{
  bucket: string;
  queueUrl: string;
  dlqUrl: string | undefined;
  /**
   * Fan-out across workers: a scene longer than the chunk length is split into frame-range
   * chunks, and a job of at least `minScenes` parts (scenes and chunks) becomes one segment task
   * per part on the render queue, assembled once via the FIFO `assemblyQueueUrl`. Off
   * (single-worker render, no chunks) while `assemblyQueueUrl` is unset. `chunkSeconds` undefined:
   * the chunk length follows from the encode estimate (core/jobs/chunk-length.ts).
   */
  fanout: Readonly<{
    assemblyQueueUrl: string | undefined;
    minScenes: number;
    chunkSeconds: number | undefined;
  }>;
  /**
   * The probe function (name or ARN) a dry run invokes on AWS, where the API function carries no
   * fetcher or ffprobe of its own; unset, the caller's wiring decides (local mode probes in process).
   */
  probeFunction: string | undefined;
  /**
   * What one render invocation gets. The API refuses work estimated to need more than a share of
   * `timeoutSeconds` on `memoryMb` (check-render-time.ts), which would otherwise end TIMEOUT.
   * `maxConcurrency`: invocations the render queue may run at once, which automatic chunk
   * lengths fit the parts of a job into.
   */
  render: Readonly<{ timeoutSeconds: number; memoryMb: number; maxConcurrency: number }>;
  awsEndpoint: string | undefined;
  awsEndpointSecret: string | undefined;
  region: string;
  auth: "api-key" | "gateway";
  /** The key `api-key` mode prints and local clients use (VIDEOCRAFT_API_KEY). */
  apiKey: string | undefined;
  /** Every key `api-key` mode accepts: VIDEOCRAFT_API_KEY, then VIDEOCRAFT_API_KEYS. */
  apiKeys: readonly string[];
  ffmpeg: Readonly<{
    preset: (typeof PRESETS)[number];
    crf: number;
    timeoutSeconds: number;
    /**
     * x264 threads (VIDEOCRAFT_FFMPEG_THREADS, else the vCPUs this process sees: on Lambda those
     * the memory buys). x264's own default, 1.5 per core, holds more frames for no speed.
     */
    threads: number;
    path: string;
    probePath: string;
    /**
     * What one ffmpeg command may need for its decoded pictures (VIDEOCRAFT_FFMPEG_MAX_MEMORY);
     * a scene estimated above it is refused after probing. The default leaves the default 3 GB
     * render Lambda room for the Node worker beside one ffmpeg command.
     */
    maxMemoryBytes: number;
  }>;
  transcriptionModel: string;
  retentionDays: number;
  maxSourceBytes: number;
  /** Distinct sources one project may name (VIDEOCRAFT_MAX_SOURCES_PER_JOB): each is a download and a probe. */
  maxSourcesPerJob: number;
  /** Bytes all of one job's sources may take on the worker's disk together (VIDEOCRAFT_MAX_JOB_SOURCE_BYTES). */
  maxJobSourceBytes: number;
  maxConcurrentJobs: number;
  maxProjectsPerRequest: number;
  /** Per-project limits (VIDEOCRAFT_MAX_*), each at most the schema's hard cap. */
  limits: Readonly<ProjectLimits>;
  maxReceiveCount: number;
  /**
   * Lifetime asked of presigned URLs. A URL signed with temporary credentials (a Lambda role's)
   * dies with them sooner; the store reports the real expiry.
   */
  presignExpiresSeconds: number;
  /** `totalTimeoutMs`: all of a job's downloads together (a source trickling bytes never idles out). */
  fetch: Readonly<{ connectTimeoutMs: number; readTimeoutMs: number; totalTimeoutMs: number }>;
  localAllowedDir: string | undefined;
  allowPrivateSources: boolean;
  workDir: string | undefined;
  studioDir: string | undefined;
  version: string;
  metricNamespace: string;
  /** Origins the API answers CORS requests for; `["*"]` allows any. */
  corsOrigins: readonly string[];
  /**
   * VideoCraft's CSRF tokens: `required` makes its POST/DELETE routes demand a valid X-CSRF-Token
   * signed with `secret` (one secret for every API instance, so any instance verifies any token).
   */
  csrf: Readonly<{ required: boolean; secret: string | undefined }>;
}>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Parses the environment into a frozen Config, or throws a ConfigError naming every bad variable.
 * `machine.cores` (default: what this process may use) fills the settings left to `auto`.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  machine: { cores: number } = { cores: availableParallelism() },
): Config {
  const relevant = Object.fromEntries(
    Object.entries(resolveEnvAliases(env)).filter(
      ([k, v]) => (k.startsWith("VIDEOCRAFT_") || k === "AWS_REGION") && v !== "",
    ),
  );
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  if (e.VIDEOCRAFT_SECURITY_ENABLE_CSRF && !e.VIDEOCRAFT_SECURITY_CSRF_SECRET) {
    throw new ConfigError(
      "invalid configuration:\n  VIDEOCRAFT_SECURITY_CSRF_SECRET: required (32+ characters) when VIDEOCRAFT_SECURITY_ENABLE_CSRF=true",
    );
  }
  const apiKeys = [
    ...new Set([e.VIDEOCRAFT_API_KEY, ...e.VIDEOCRAFT_API_KEYS].filter((k) => k !== undefined)),
  ];
  if (e.VIDEOCRAFT_AUTH === "api-key" && apiKeys.length === 0) {
    throw new ConfigError(
      "invalid configuration:\n  VIDEOCRAFT_API_KEY: required (16+ characters) when VIDEOCRAFT_AUTH=api-key",
    );
  }
  return Object.freeze({
    bucket: e.VIDEOCRAFT_BUCKET,
    queueUrl: e.VIDEOCRAFT_QUEUE_URL,
    dlqUrl: e.VIDEOCRAFT_DLQ_URL,
    fanout: Object.freeze({
      assemblyQueueUrl: e.VIDEOCRAFT_ASSEMBLY_QUEUE_URL,
      minScenes: e.VIDEOCRAFT_FANOUT_MIN_SCENES,
      chunkSeconds: e.VIDEOCRAFT_CHUNK_SECONDS === "auto" ? undefined : e.VIDEOCRAFT_CHUNK_SECONDS,
    }),
    probeFunction: e.VIDEOCRAFT_PROBE_FUNCTION,
    render: Object.freeze({
      timeoutSeconds: e.VIDEOCRAFT_RENDER_TIMEOUT,
      memoryMb: e.VIDEOCRAFT_RENDER_MEMORY_MB,
      maxConcurrency: e.VIDEOCRAFT_RENDER_MAX_CONCURRENCY,
    }),
    awsEndpoint: e.VIDEOCRAFT_AWS_ENDPOINT,
    awsEndpointSecret: e.VIDEOCRAFT_AWS_ENDPOINT_SECRET,
    region: e.AWS_REGION,
    auth: e.VIDEOCRAFT_AUTH,
    apiKey: e.VIDEOCRAFT_API_KEY ?? apiKeys[0],
    apiKeys: Object.freeze(apiKeys),
    ffmpeg: Object.freeze({
      preset: e.VIDEOCRAFT_FFMPEG_PRESET,
      crf: e.VIDEOCRAFT_FFMPEG_QUALITY,
      timeoutSeconds: e.VIDEOCRAFT_FFMPEG_TIMEOUT,
      threads: e.VIDEOCRAFT_FFMPEG_THREADS === "auto" ? machine.cores : e.VIDEOCRAFT_FFMPEG_THREADS,
      path: e.VIDEOCRAFT_FFMPEG_PATH,
      probePath: e.VIDEOCRAFT_FFPROBE_PATH,
      maxMemoryBytes: e.VIDEOCRAFT_FFMPEG_MAX_MEMORY,
    }),
    transcriptionModel: e.VIDEOCRAFT_TRANSCRIPTION_MODEL,
    retentionDays: e.VIDEOCRAFT_STORAGE_RETENTION_DAYS,
    maxSourceBytes: e.VIDEOCRAFT_STORAGE_MAX_FILE_SIZE,
    maxSourcesPerJob: e.VIDEOCRAFT_MAX_SOURCES_PER_JOB,
    maxJobSourceBytes: e.VIDEOCRAFT_MAX_JOB_SOURCE_BYTES,
    maxConcurrentJobs: e.VIDEOCRAFT_JOB_MAX_CONCURRENT,
    maxProjectsPerRequest: e.VIDEOCRAFT_MAX_PROJECTS_PER_REQUEST,
    limits: Object.freeze({
      maxScenes: e.VIDEOCRAFT_MAX_SCENES,
      maxElementsPerScene: e.VIDEOCRAFT_MAX_ELEMENTS_PER_SCENE,
      maxVideoSeconds: e.VIDEOCRAFT_MAX_VIDEO_SECONDS,
      maxLongSide: e.VIDEOCRAFT_MAX_RESOLUTION.long,
      maxShortSide: e.VIDEOCRAFT_MAX_RESOLUTION.short,
      maxSourcePixels: e.VIDEOCRAFT_MAX_SOURCE_PIXELS,
    }),
    maxReceiveCount: e.VIDEOCRAFT_MAX_RECEIVE_COUNT,
    presignExpiresSeconds: e.VIDEOCRAFT_PRESIGN_EXPIRES,
    fetch: Object.freeze({
      connectTimeoutMs: e.VIDEOCRAFT_FETCH_CONNECT_TIMEOUT * 1000,
      readTimeoutMs: e.VIDEOCRAFT_FETCH_READ_TIMEOUT * 1000,
      totalTimeoutMs: e.VIDEOCRAFT_FETCH_TOTAL_TIMEOUT * 1000,
    }),
    localAllowedDir: e.VIDEOCRAFT_LOCAL_ALLOWED_DIR,
    allowPrivateSources: e.VIDEOCRAFT_ALLOW_PRIVATE_SOURCES,
    workDir: e.VIDEOCRAFT_WORK_DIR,
    studioDir: e.VIDEOCRAFT_STUDIO_DIR,
    version: e.VIDEOCRAFT_VERSION,
    metricNamespace: e.VIDEOCRAFT_METRIC_NAMESPACE,
    corsOrigins: Object.freeze(e.VIDEOCRAFT_CORS_ORIGIN),
    csrf: Object.freeze({
      required: e.VIDEOCRAFT_SECURITY_ENABLE_CSRF,
      secret: e.VIDEOCRAFT_SECURITY_CSRF_SECRET,
    }),
  });
}
