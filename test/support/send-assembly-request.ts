import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";

/**
 * Puts an assembly request for `jobId` on a FIFO queue straight through SQS, as a finishing part
 * would. The deduplication id defaults to the job id, as the worker sends it; a test that wants
 * the queue to deliver a copy gives each its own.
 */
export function sendAssemblyRequest(
  sqs: SQSClient,
  queueUrl: string,
  jobId: string,
  deduplicationId = jobId,
): Promise<unknown> {
  return sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify({ jobId, assemble: true }),
      MessageGroupId: jobId,
      MessageDeduplicationId: deduplicationId,
    }),
  );
}
