import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { JobQueue, RenderMessage } from "../core/ports/job-queue.js";

export interface SqsJobQueueOptions {
  client: SQSClient;
  queueUrl: string;
}

export class SqsJobQueue implements JobQueue {
  private readonly client: SQSClient;
  private readonly queueUrl: string;

  constructor(opts: SqsJobQueueOptions) {
    this.client = opts.client;
    this.queueUrl = opts.queueUrl;
  }

  async send(message: RenderMessage): Promise<void> {
    // Only the id travels: the worker re-reads the stored request, so a redelivered or stale
    // message can never carry an outdated copy of the job.
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify({ jobId: message.jobId }),
      }),
    );
  }
}
