import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { type Metrics, noMetrics } from "../core/ports/metrics.js";
import { recordJobMetrics, startActiveJobHeartbeat } from "./record-job-metrics.js";
import type { RenderDeps } from "./render-deps.js";
import { parseRenderMessage } from "./render-message.js";
import { renderJob } from "./routines/dispatch.js";

export { parseRenderMessage } from "./render-message.js";

/**
 * SQS → render. Batch size is 1 on AWS, but every record is handled and failures are reported per
 * item (ReportBatchItemFailures) so one bad message never makes the others run again.
 */
export function createRenderHandler(deps: RenderDeps & { metrics?: Metrics }) {
  const metrics = deps.metrics ?? noMetrics;
  return async (
    event: SQSEvent,
    context?: Pick<Context, "getRemainingTimeInMillis">,
  ): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse["batchItemFailures"] = [];
    for (const record of event.Records) {
      const message = parseRenderMessage(record.body);
      if (!message) {
        deps.log.error("dropping a malformed render message", { messageId: record.messageId });
        continue;
      }
      // Metrics: see record-job-metrics.ts.
      const attemptStart = deps.clock.now();
      const heartbeat = startActiveJobHeartbeat(metrics);
      try {
        await renderJob(
          {
            ...message,
            receiveCount: Number(record.attributes.ApproximateReceiveCount ?? "1"),
            ...(context ? { remainingMs: context.getRemainingTimeInMillis() } : {}),
          },
          deps,
        );
      } catch (e) {
        deps.log.error("render attempt failed; the queue will retry it", {
          jobId: message.jobId,
          receiveCount: record.attributes.ApproximateReceiveCount,
          error: (e as Error).message,
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
        continue;
      } finally {
        heartbeat.stop();
      }
      if (deps.metrics) {
        // A fanned-out job is completed by its assembly, never by a scene segment.
        await recordJobMetrics(
          message.jobId,
          attemptStart,
          { ...deps, metrics },
          message.segment === undefined,
        );
      }
    }
    return { batchItemFailures };
  };
}
