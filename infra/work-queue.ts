import { Duration } from "aws-cdk-lib";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

/** The fourth receive of a message goes to the dead-letter queue instead. */
export const MAX_RECEIVE_COUNT = 3;

export interface WorkQueueProps {
  /** Timeout of the function that consumes the queue. */
  readonly workerTimeout: Duration;
  /** Timeout of the function that consumes the dead-letter queue. */
  readonly deadLetterWorkerTimeout: Duration;
  /**
   * FIFO with content-based deduplication off: senders set the deduplication id themselves (the
   * assembly queue uses the job id, so however many segment finishers ask, SQS keeps one message
   * per job within its 5-minute window). The dead-letter queue is FIFO too: a FIFO queue can only
   * redrive to a FIFO queue.
   */
  readonly fifo?: boolean;
}

/**
 * A queue of work for a Lambda consumer and the dead-letter queue its messages land in after
 * MAX_RECEIVE_COUNT failed receives. Render jobs and fan-out assembly requests each get one.
 */
export class WorkQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    const fifo = props.fifo ? { fifo: true, contentBasedDeduplication: false } : {};
    const common = { ...fifo, encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true };

    this.deadLetterQueue = new sqs.Queue(this, "DeadLetterQueue", {
      ...common,
      // A standard queue keeps a message's original enqueue time in the DLQ, so the DLQ must keep
      // messages longer than the source queue or they vanish before anyone looks.
      retentionPeriod: Duration.days(14),
      // Lambda refuses an event source whose visibility timeout is shorter than the function timeout.
      visibilityTimeout: visibilityFor(props.deadLetterWorkerTimeout),
    });

    this.queue = new sqs.Queue(this, "Queue", {
      ...common,
      retentionPeriod: Duration.days(4),
      // AWS guidance for Lambda consumers: 6× the function timeout, so a message still in flight
      // (including Lambda's own retries of a throttled batch) is never handed to a second worker.
      visibilityTimeout: visibilityFor(props.workerTimeout),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
  }
}

const visibilityFor = (timeout: Duration) => Duration.seconds(Math.min(6 * timeout.toSeconds(), 43_200));
