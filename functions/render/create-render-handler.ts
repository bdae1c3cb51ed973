import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { isJobId } from "../core/jobs/storage-keys.js";
import { type RenderDeps, renderJob } from "./pipeline/render-job.js";

/** Parses the queue message; a body that is not `{"jobId": <ULID>}` can never succeed. */
export function parseRenderMessage(body: string): { jobId: string } | undefined {
  try {
    const value = JSON.parse(body) as { jobId?: unknown };
    return typeof value.jobId === "string" && isJobId(value.jobId) ? { jobId: value.jobId } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * SQS → render. Batch size is 1 on AWS, but every record is handled and failures are reported per
 * item (ReportBatchItemFailures) so one bad message never makes the others run again.
 */
export function createRenderHandler(deps: RenderDeps) {
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
      try {
        await renderJob(
          {
            jobId: message.jobId,
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
      }
    }
    return { batchItemFailures };
  };
}
