import type { Node } from "constructs";
import { z } from "zod";
import { MAX_PRESIGN_SECONDS } from "../functions/core/config.js";
import { DEFAULT_VIDEO_RETENTION_DAYS } from "../functions/core/jobs/retention-rules.js";
import { DEFAULT_WHISPER_MODEL, WHISPER_MODELS } from "../functions/core/whisper-models.js";
import { ffmpegMemoryMb, MIN_FFMPEG_MEMORY_MB, NODE_HEADROOM_MB, WHISPER_MEMORY_MB } from "./render-caps.js";

/**
 * Deployment settings, read from CDK context (`cdk.json` or `-c key=value`). Values given on the
 * command line arrive as strings, so numbers are coerced; a bad value fails synth naming the key.
 */
/** Queues the render function consumes (render jobs, fan-out assembly), each with renderMaxConcurrency. */
export const RENDER_EVENT_SOURCES = 2;

const positive = (max: number) => z.coerce.number().int().min(1).max(max);

const settingsSchema = z
  .object({
    /** Render worker memory; CPU share grows with it (3008 MiB ≈ 2 vCPUs). */
    renderMemoryMb: positive(10240).default(3008),
    renderTimeoutSeconds: positive(900).default(900),
    /** /tmp size: a 2 GiB source, its probe copies and the encoded segments must fit. */
    renderEphemeralStorageMb: z.coerce.number().int().min(512).max(10240).default(10240),
    /**
     * 0 reserves nothing. Lambda only accepts a reservation that leaves 100 unreserved executions
     * in the account, so new accounts (quota 10) and any under 100 + this value cannot deploy one.
     */
    renderReservedConcurrency: z.coerce.number().int().min(0).max(1000).default(0),
    /** Concurrent render invocations each of the render function's queues may start; SQS requires at least 2. */
    renderMaxConcurrency: z.coerce.number().int().min(2).max(1000).default(10),
    renderArchitecture: z.enum(["x86_64", "arm64"]).default("x86_64"),
    whisperModel: z
      .enum(Object.keys(WHISPER_MODELS) as [keyof typeof WHISPER_MODELS])
      .default(DEFAULT_WHISPER_MODEL),
    apiMemoryMb: positive(10240).default(1024),
    /** Per API key: steady requests per second, burst, and requests per day. */
    apiRateLimit: positive(10000).default(10),
    apiBurstLimit: positive(5000).default(20),
    apiQuotaPerDay: positive(10_000_000).default(10_000),
    /** Days `videos/` are kept; the other prefixes follow the shared retention rules. */
    retentionDays: positive(3650).default(DEFAULT_VIDEO_RETENTION_DAYS),
    logRetentionDays: positive(3653).default(30),
    /** Origins allowed by the API and by presigned URLs (comma-separated on the command line). */
    corsOrigins: z
      .union([z.array(z.string().min(1)), z.string().transform((s) => s.split(",").map((o) => o.trim()))])
      .default(["*"]),
    /** Alarm when the oldest queued job has waited this long. */
    queueAgeAlarmSeconds: positive(86_400).default(1800),
    failureRateAlarmPercent: z.coerce.number().min(1).max(100).default(25),
    /** Alarm notifications go to this address when set (an SNS subscription to confirm by email). */
    alarmEmail: z.email().optional(),
    /**
     * Lifetime asked of presigned download links (S3 honours at most 7 days). A link signed by a
     * function's role dies with the role's session if that ends first; `expires_at` says when.
     */
    presignExpiresSeconds: z.coerce.number().int().min(60).max(MAX_PRESIGN_SECONDS).default(3600),
    /** X-Ray traces of the API stage and every function, AWS SDK calls included. */
    tracing: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]).default(true),
  })
  .refine(
    (s) =>
      s.renderReservedConcurrency === 0 ||
      s.renderReservedConcurrency >= RENDER_EVENT_SOURCES * s.renderMaxConcurrency,
    {
      message: `renderReservedConcurrency must be 0 (no reservation) or at least ${RENDER_EVENT_SOURCES} × renderMaxConcurrency: each of the render function's ${RENDER_EVENT_SOURCES} queues may start renderMaxConcurrency invocations, and invocations beyond the reservation are throttled, which counts as a failed receive and can dead-letter a job`,
      path: ["renderReservedConcurrency"],
    },
  )
  .refine((s) => ffmpegMemoryMb(s.renderMemoryMb, s.whisperModel) >= MIN_FFMPEG_MEMORY_MB, {
    message: `renderMemoryMb must leave ffmpeg at least ${MIN_FFMPEG_MEMORY_MB} MB beside Node.js (${NODE_HEADROOM_MB} MB) and the speech model (whisperModel; tiny ${WHISPER_MEMORY_MB.tiny}, base ${WHISPER_MEMORY_MB.base}, small ${WHISPER_MEMORY_MB.small} MB)`,
    path: ["renderMemoryMb"],
  });

export type Settings = z.output<typeof settingsSchema>;

export const SETTING_KEYS = Object.keys(settingsSchema.shape) as (keyof Settings)[];

/** Parses settings from plain values (tests, defaults). */
export function parseSettings(values: Record<string, unknown> = {}): Settings {
  const parsed = settingsSchema.safeParse(values);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".") || "(context)"}: ${i.message}`);
    throw new Error(`invalid CDK context:\n  ${lines.join("\n  ")}`);
  }
  return parsed.data;
}

/** Reads every setting from the construct tree's context. */
export function readSettings(node: Node): Settings {
  const values: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const value = node.tryGetContext(key);
    if (value !== undefined && value !== "") values[key] = value;
  }
  return parseSettings(values);
}
