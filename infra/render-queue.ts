import { Duration } from "aws-cdk-lib";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

/** SPEC §5: the fourth receive of a message goes to the dead-letter queue instead. */
export const MAX_RECEIVE_COUNT = 3;

export interface RenderQueueProps {
  /** Timeout of the function that consumes the render queue. */
  readonly workerTimeout: Duration;
  /** Timeout of the function that consumes the dead-letter queue. */
  readonly deadLetterWorkerTimeout: Duration;
}

/** Render jobs (one message = one job id) and the dead-letter queue they land in after 3 failed receives. */
export class RenderQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: RenderQueueProps) {
    super(scope, id);

    this.deadLetterQueue = new sqs.Queue(this, "DeadLetterQueue", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // A standard queue keeps a message's original enqueue time in the DLQ, so the DLQ must keep
      // messages longer than the source queue or they vanish before anyone looks.
      retentionPeriod: Duration.days(14),
      // Lambda refuses an event source whose visibility timeout is shorter than the function timeout.
      visibilityTimeout: visibilityFor(props.deadLetterWorkerTimeout),
    });

    this.queue = new sqs.Queue(this, "Queue", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      // AWS guidance for Lambda consumers: 6× the function timeout, so a message still in flight
      // (including Lambda's own retries of a throttled batch) is never handed to a second worker.
      visibilityTimeout: visibilityFor(props.workerTimeout),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
  }
}

const visibilityFor = (timeout: Duration) => Duration.seconds(Math.min(6 * timeout.toSeconds(), 43_200));

export interface AssemblyQueueProps {
  /** Timeout of the render worker, which also consumes this queue. */
  readonly workerTimeout: Duration;
  readonly deadLetterWorkerTimeout: Duration;
}

/**
 * Fan-out (issue 6): "assemble job X" requests. FIFO with content-based deduplication off: every
 * segment finisher that sees all parts done sends with MessageDeduplicationId = job id, and SQS
 * keeps one message per job within its 5-minute window, so the job is assembled once. Its own FIFO
 * dead-letter queue (a FIFO queue can only redrive to a FIFO queue), consumed by the same
 * dead-letter function, which marks the job failed.
 */
export class AssemblyQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: AssemblyQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, "DeadLetterQueue", {
      fifo: true,
      contentBasedDeduplication: false,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      visibilityTimeout: visibilityFor(props.deadLetterWorkerTimeout),
    });
    this.queue = new sqs.Queue(this, "Queue", {
      fifo: true,
      contentBasedDeduplication: false,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      visibilityTimeout: visibilityFor(props.workerTimeout),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
  }
}
