import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { JobQueue, RenderMessage } from "../core/ports/job-queue.js";

export interface SqsJobQueueOptions {
  client: SQSClient;
  queueUrl: string;
}

export class SqsJobQueue implements JobQueue {
  constructor(private readonly opts: SqsJobQueueOptions) {}

  async send(message: RenderMessage): Promise<void> {
    // Only the id (and which part of a fanned-out job) travels: the worker re-reads the stored
    // request, so a redelivered or stale message can never carry an outdated copy of the job.
    const fifo = this.opts.queueUrl.endsWith(".fifo");
    await this.opts.client.send(
      new SendMessageCommand({
        QueueUrl: this.opts.queueUrl,
        MessageBody: JSON.stringify(message),
        // The assembly queue: one group per job, and the job id as deduplication id, so however
        // many segment finishers ask for assembly within SQS's 5-minute window, one message exists.
        ...(fifo ? { MessageGroupId: message.jobId, MessageDeduplicationId: message.jobId } : {}),
      }),
    );
  }
}
