import type { Config } from "../../core/config.js";
import { presignVideo } from "../../core/jobs/get-video-link.js";
import { TERMINAL_STATUSES, type WebhookOutcome } from "../../core/jobs/job-record.js";
import type { JobStore } from "../../core/jobs/job-store.js";
import { buildWebhookBody, webhookEvent } from "../../core/jobs/webhook-payload.js";
import type { Clock } from "../../core/ports/clock.js";
import type { Log } from "../../core/ports/log.js";
import type { ObjectStore } from "../../core/ports/object-store.js";
import type { Project } from "../../core/schema/project.js";
import { deliverWebhook, type WebhookDeliveryOptions } from "./deliver-webhook.js";

/** Retry and network knobs a caller may override (tests: short backoff, a fake resolver). */
export type WebhookTuning = Partial<
  Pick<
    WebhookDeliveryOptions,
    | "maxAttempts"
    | "baseDelayMs"
    | "maxDelayMs"
    | "sleep"
    | "random"
    | "resolver"
    | "extraAllowedAddresses"
    | "connectTimeoutMs"
    | "responseTimeoutMs"
  >
>;

export interface JobWebhookDeps {
  config: Config;
  store: ObjectStore;
  jobs: JobStore;
  clock: Clock;
  log: Log;
  webhook?: WebhookTuning;
}

/**
 * Sends the job's webhook once it has reached a final state, then records the outcome in the
 * job's status (`webhook: {delivered, attempts, last_status?, error?, at}`). A no-op when the
 * request had no webhook, the job is not finished, or an outcome is already recorded (a repeated
 * call never sends twice after a success). Never throws: a webhook problem must not turn a
 * finished job into a queue retry.
 */
export async function sendJobWebhook(
  jobId: string,
  webhook: Project["webhook"],
  deps: JobWebhookDeps,
): Promise<WebhookOutcome | undefined> {
  if (!webhook) return undefined;
  const { config, log } = deps;
  try {
    const record = await deps.jobs.getStatus(jobId);
    if (!record || !TERMINAL_STATUSES.has(record.status) || record.webhook) return undefined;
    const video = record.status === "completed" ? await presignVideo(jobId, deps) : undefined;
    const body = JSON.stringify(buildWebhookBody(record, video));
    const started = Date.now();
    const result = await deliverWebhook(
      { url: webhook.url, secret: webhook.secret, body, event: webhookEvent(record.status) },
      {
        allowPrivate: config.allowPrivateSources,
        allowHttp: config.allowPrivateSources,
        ...deps.webhook,
      },
    );
    const outcome: WebhookOutcome = { ...result, at: deps.clock.now().toISOString() };
    const latest = (await deps.jobs.getStatus(jobId)) ?? record;
    await deps.jobs.putStatus({ ...latest, webhook: outcome });
    const fields = {
      jobId,
      status: record.status,
      webhookHost: hostOf(webhook.url),
      attempts: result.attempts,
      lastStatus: result.last_status,
      signed: webhook.secret !== undefined,
      ms: Date.now() - started,
    };
    if (result.delivered) log.info("webhook delivered", fields);
    else log.warn("webhook not delivered", { ...fields, reason: result.error });
    return outcome;
  } catch (e) {
    log.warn("webhook could not be sent or recorded", { jobId, error: (e as Error).message });
    return undefined;
  }
}

/** Only the host: paths and query strings of webhook URLs often hold tokens. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid)";
  }
}
