import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { QueueDepth } from "../core/ports/queue-depth.js";

/** The render queue's visible messages; needs only sqs:GetQueueAttributes on that queue. */
export class SqsQueueDepth implements QueueDepth {
  constructor(private readonly opts: { client: SQSClient; queueUrl: string }) {}

  async waitingMessages(): Promise<number> {
    const out = await this.opts.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.opts.queueUrl,
        AttributeNames: ["ApproximateNumberOfMessages"],
      }),
    );
    return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
  }
}
