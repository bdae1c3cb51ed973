import type { SQSEvent } from "aws-lambda";
import { TERMINAL_STATUSES } from "../core/jobs/job-record.js";
import type { JobStore } from "../core/jobs/job-store.js";
import type { Clock } from "../core/ports/clock.js";
import type { Log } from "../core/ports/log.js";
import { parseRenderMessage } from "./create-render-handler.js";
import { type JobWebhookDeps, sendJobWebhook } from "./webhook/send-job-webhook.js";

/**
 * A message reaches the dead-letter queue after the render worker failed it on every receive
 * (crash, out of memory, Lambda timeout). Its job is marked `failed` here so no job stays
 * `processing` forever; the DLQ-depth alarm tells the operator. The job's webhook, if any, is
 * sent from here (needs `config` and `store` in the deps).
 */
export function createDeadLetterHandler(
  deps: { jobs: JobStore; clock: Clock; log: Log } & Partial<
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
      await deps.jobs.putStatus({
        ...status,
        status: "failed",
        finished_at: at,
        updated_at: at,
        error: {
          code: "RENDER_FAILED",
          message: `the render worker failed on every attempt (${status.attempts}) while ${status.step}; the job was given up`,
        },
      });
      deps.log.warn("job failed from the dead-letter queue", { jobId: message.jobId, step: status.step });
      const { config, store } = deps;
      if (config && store) {
        const webhook = (await deps.jobs.getRequest(message.jobId).catch(() => undefined))?.webhook;
        await sendJobWebhook(message.jobId, webhook, { ...deps, config, store });
      }
    }
  };
}
