import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { jobErrorSchema } from "../errors.js";
import { dateTimeField, urlField } from "../schema/response-formats.js";
import { FINISHED_STATUSES, isFinishedStatus, type JobRecord, type JobStatus } from "./job-record.js";

/**
 * The webhook contract clients build receivers against, pure so receivers' code and tests can share it.
 *
 * The body is `{id, status, video_url?, error?}`; `X-VideoCraft-Signature: sha256=<hex>` is the
 * HMAC-SHA256 of the exact raw body bytes keyed with the job's `webhook.secret`. A webhook given
 * without a secret is sent unsigned (no signature header): receivers that need authenticity must
 * set a secret. Every attempt of one delivery carries the same body, signature and
 * `X-VideoCraft-Delivery` id, so a receiver can drop repeats.
 */
export const WEBHOOK_HEADERS = {
  signature: "x-videocraft-signature",
  event: "x-videocraft-event",
  delivery: "x-videocraft-delivery",
  /** Unix seconds of this attempt (not signed; the body is what the signature covers). */
  timestamp: "x-videocraft-timestamp",
  /** 1-based attempt number of this delivery. */
  attempt: "x-videocraft-attempt",
} as const;

export const webhookBodySchema = z
  .object({
    id: z.string(),
    status: z.enum(FINISHED_STATUSES),
    video_url: urlField(
      "presigned link to the MP4 (completed jobs only); it expires like the job view's",
    ).optional(),
    expires_at: dateTimeField().optional(),
    error: jobErrorSchema.optional(),
  })
  .meta({
    id: "WebhookPayload",
    description:
      "POSTed to the project's webhook.url when a job ends. X-VideoCraft-Signature: sha256=<hex HMAC-SHA256 of " +
      "the raw body keyed with webhook.secret> (absent without a secret); X-VideoCraft-Event: job.<status>; " +
      "X-VideoCraft-Delivery: a UUID shared by every retry; X-VideoCraft-Timestamp: unix seconds.",
  });
export type WebhookBody = z.infer<typeof webhookBodySchema>;

/** `job.completed`, `job.failed`, `job.cancelled`. */
export const webhookEvent = (status: JobStatus): string => `job.${status}`;

/** The body for a finished job; a job still queued or processing has nothing to report. */
export function buildWebhookBody(
  record: JobRecord,
  video?: { url: string; expires_at: string },
): WebhookBody {
  if (!isFinishedStatus(record.status)) throw new Error(`job ${record.id} is ${record.status}, not finished`);
  return {
    id: record.id,
    status: record.status,
    ...(record.status === "completed" && video ? { video_url: video.url, expires_at: video.expires_at } : {}),
    ...(record.error ? { error: { code: record.error.code, message: record.error.message } } : {}),
  };
}

/** `sha256=<hex HMAC-SHA256 of rawBody keyed with secret>` */
export function signWebhookBody(rawBody: string | Buffer, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`;
}

/** What a receiver runs: recompute the signature over the raw bytes and compare in constant time. */
export function verifyWebhookSignature(
  rawBody: string | Buffer,
  header: string | undefined,
  secret: string,
): boolean {
  if (!header) return false;
  const expected = Buffer.from(signWebhookBody(rawBody, secret));
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
