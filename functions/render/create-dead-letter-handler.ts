import type { SQSEvent } from "aws-lambda";
import { TERMINAL_STATUSES } from "../core/jobs/job-record.js";
import type { JobStore } from "../core/jobs/job-store.js";
import { FAILURE_CODE_DIMENSION } from "../core/metric-names.js";
import type { Clock } from "../core/ports/clock.js";
import type { Log } from "../core/ports/log.js";
import type { Metrics } from "../core/ports/metrics.js";
import { parseRenderMessage } from "./render-message.js";
import { type JobWebhookDeps, sendJobWebhook } from "./webhook/send-job-webhook.js";

/**
 * A message reaches the dead-letter queue after the render worker failed it on every receive
 * (crash, out of memory, Lambda timeout). Its job is marked `failed` here so no job stays
 * `processing` forever; the DLQ-depth alarm tells the operator. The job's webhook, if any, is
 * sent from here (needs `config` and `store` in the deps).
 */
export function createDeadLetterHandler(
  deps: { jobs: JobStore; clock: Clock; log: Log; metrics?: Metrics } & Partial<
    Pick<JobWebhookDeps, "config" | "store" | "webhook">
  >,
) {
  return async (event: SQSEvent): Promise<void> => {
    for (const record of event.Records) {
      const message = parseRenderMessage(record.body);
      if (!message) continue;
      const status = await deps.jobs.getStatus(message.jobId);
      if (!status || TERMINAL_STATUSES.has(status.status)) continue;
      const at = deps.clock.now().toISOString();
      const part =
        message.segment !== undefined
          ? `segment ${message.segment} (a scene or a chunk of one)`
          : message.assemble
            ? "the assembly"
            : "the render worker";
      const attempts = message.segment !== undefined || message.assemble ? "" : ` (${status.attempts})`;
      // Through the job's final marker: with fan-out, other workers may be ending it right now.
      const won = await deps.jobs.finishOnce({
        ...status,
        status: "failed",
        finished_at: at,
        updated_at: at,
        error: {
          code: "RENDER_FAILED",
          message: `${part} failed on every attempt${attempts} while ${status.step}; the job was given up`,
        },
      });
      if (!won) continue;
      deps.log.warn("job failed from the dead-letter queue", {
        jobId: message.jobId,
        step: status.step,
        ...(message.segment !== undefined ? { segment: message.segment } : {}),
        ...(message.assemble ? { assemble: true } : {}),
      });
      // Every failed job counts once in JobFailures (metric-names.ts), these included.
      deps.metrics?.record("jobFailures", 1, { [FAILURE_CODE_DIMENSION]: "RENDER_FAILED" });
      deps.metrics?.flush();
      const { config, store } = deps;
      if (config && store) {
        const webhook = (await deps.jobs.getRequest(message.jobId).catch(() => undefined))?.webhook;
        await sendJobWebhook(message.jobId, webhook, { ...deps, config, store });
      }
    }
  };
}
