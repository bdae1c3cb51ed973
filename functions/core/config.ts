import { z } from "zod";

/**
 * Configuration is read once at start-up from environment variables and frozen.
 * Names follow VideoCraft's seed (`VIDEOCRAFT_FFMPEG_PRESET`, …) where they mean the same thing.
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

/** Accepts `900`, `900s`, `15m`, `2h` (the seed writes timeouts as Go durations). */
const durationSeconds = z.string().transform((raw, ctx) => {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(raw.trim());
  if (!m) {
    ctx.addIssue({ code: "custom", message: `expected a duration such as 15m, 900s or 900, got "${raw}"` });
    return z.NEVER;
  }
  return Number(m[1]) * (UNIT_SECONDS[(m[2] ?? "").toLowerCase()] ?? 1);
});

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

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
  /** Only for the embedded emulator; unset on AWS. */
  VIDEOCRAFT_AWS_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().default("us-east-1"),
  /** `api-key`: the handler checks VIDEOCRAFT_API_KEY itself (local mode); `gateway`: API Gateway already did. */
  VIDEOCRAFT_AUTH: z.enum(["api-key", "gateway"]).default("api-key"),
  VIDEOCRAFT_API_KEY: z.string().min(16).optional(),
  VIDEOCRAFT_FFMPEG_PRESET: z.enum(PRESETS).default("veryfast"),
  VIDEOCRAFT_FFMPEG_QUALITY: int(0, 51).default(23),
  VIDEOCRAFT_FFMPEG_TIMEOUT: durationSeconds.default(900),
  VIDEOCRAFT_FFMPEG_PATH: z.string().default("ffmpeg"),
  VIDEOCRAFT_FFPROBE_PATH: z.string().default("ffprobe"),
  VIDEOCRAFT_TRANSCRIPTION_MODEL: z.string().default("base.en"),
  VIDEOCRAFT_STORAGE_RETENTION_DAYS: int(1, 3650).default(7),
  VIDEOCRAFT_STORAGE_MAX_FILE_SIZE: byteSize.default(2 * 1024 ** 3),
  VIDEOCRAFT_JOB_MAX_CONCURRENT: int(1, 1000).default(1),
  VIDEOCRAFT_MAX_PROJECTS_PER_REQUEST: int(1, 1000).default(20),
  VIDEOCRAFT_MAX_RECEIVE_COUNT: int(1, 100).default(3),
  VIDEOCRAFT_PRESIGN_EXPIRES: durationSeconds.default(3600),
  VIDEOCRAFT_FETCH_CONNECT_TIMEOUT: durationSeconds.default(10),
  VIDEOCRAFT_FETCH_READ_TIMEOUT: durationSeconds.default(30),
  VIDEOCRAFT_LOCAL_ALLOWED_DIR: z.string().optional(),
  VIDEOCRAFT_ALLOW_PRIVATE_SOURCES: bool,
  VIDEOCRAFT_WORK_DIR: z.string().optional(),
  VIDEOCRAFT_VERSION: z.string().default("0.1.0"),
});

export type Config = Readonly<{
  bucket: string;
  queueUrl: string;
  dlqUrl: string | undefined;
  awsEndpoint: string | undefined;
  region: string;
  auth: "api-key" | "gateway";
  apiKey: string | undefined;
  ffmpeg: Readonly<{
    preset: (typeof PRESETS)[number];
    crf: number;
    timeoutSeconds: number;
    path: string;
    probePath: string;
  }>;
  transcriptionModel: string;
  retentionDays: number;
  maxSourceBytes: number;
  maxConcurrentJobs: number;
  maxProjectsPerRequest: number;
  maxReceiveCount: number;
  presignExpiresSeconds: number;
  fetch: Readonly<{ connectTimeoutMs: number; readTimeoutMs: number }>;
  localAllowedDir: string | undefined;
  allowPrivateSources: boolean;
  workDir: string | undefined;
  version: string;
}>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment into a frozen Config, or throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => (k.startsWith("VIDEOCRAFT_") || k === "AWS_REGION") && v !== ""),
  );
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  if (e.VIDEOCRAFT_AUTH === "api-key" && !e.VIDEOCRAFT_API_KEY) {
    throw new ConfigError(
      "invalid configuration:\n  VIDEOCRAFT_API_KEY: required (16+ characters) when VIDEOCRAFT_AUTH=api-key",
    );
  }
  return Object.freeze({
    bucket: e.VIDEOCRAFT_BUCKET,
    queueUrl: e.VIDEOCRAFT_QUEUE_URL,
    dlqUrl: e.VIDEOCRAFT_DLQ_URL,
    awsEndpoint: e.VIDEOCRAFT_AWS_ENDPOINT,
    region: e.AWS_REGION,
    auth: e.VIDEOCRAFT_AUTH,
    apiKey: e.VIDEOCRAFT_API_KEY,
    ffmpeg: Object.freeze({
      preset: e.VIDEOCRAFT_FFMPEG_PRESET,
      crf: e.VIDEOCRAFT_FFMPEG_QUALITY,
      timeoutSeconds: e.VIDEOCRAFT_FFMPEG_TIMEOUT,
      path: e.VIDEOCRAFT_FFMPEG_PATH,
      probePath: e.VIDEOCRAFT_FFPROBE_PATH,
    }),
    transcriptionModel: e.VIDEOCRAFT_TRANSCRIPTION_MODEL,
    retentionDays: e.VIDEOCRAFT_STORAGE_RETENTION_DAYS,
    maxSourceBytes: e.VIDEOCRAFT_STORAGE_MAX_FILE_SIZE,
    maxConcurrentJobs: e.VIDEOCRAFT_JOB_MAX_CONCURRENT,
    maxProjectsPerRequest: e.VIDEOCRAFT_MAX_PROJECTS_PER_REQUEST,
    maxReceiveCount: e.VIDEOCRAFT_MAX_RECEIVE_COUNT,
    presignExpiresSeconds: e.VIDEOCRAFT_PRESIGN_EXPIRES,
    fetch: Object.freeze({
      connectTimeoutMs: e.VIDEOCRAFT_FETCH_CONNECT_TIMEOUT * 1000,
      readTimeoutMs: e.VIDEOCRAFT_FETCH_READ_TIMEOUT * 1000,
    }),
    localAllowedDir: e.VIDEOCRAFT_LOCAL_ALLOWED_DIR,
    allowPrivateSources: e.VIDEOCRAFT_ALLOW_PRIVATE_SOURCES,
    workDir: e.VIDEOCRAFT_WORK_DIR,
    version: e.VIDEOCRAFT_VERSION,
  });
}
