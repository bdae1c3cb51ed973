import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from "aws-lambda";
import type { Log } from "../functions/core/ports/log.js";
import { createLambdaContext, runAsLocalFunction } from "./lambda-context.js";

// biome-ignore lint/suspicious/noConfusingVoidType: Lambda SQS handlers that never report partial failures are typed Promise<void>, which `undefined` would reject.
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface WorkerLoopOptions {
  sqs: SQSClient;
  queueUrl: string;
  handler: SqsHandler;
  /** Independent pollers, each holding at most one message, like Lambda's batch size 1. */
  concurrency?: number;
  /** Long-poll length; short, because stop() waits for the poll in progress rather than abort it. */
  waitTimeSeconds?: number;
  /** Overrides the queue's visibility timeout for each receive (and each heartbeat). */
  visibilityTimeoutSeconds?: number;
  /** How long a failed message stays hidden before it is redelivered. */
  retryDelaySeconds?: number;
  /** The fake invocation's deadline (`getRemainingTimeInMillis`); Lambda's maximum by default. */
  timeoutMs?: number;
  functionName?: string;
  /**
   * Told when a message is received (`held`) and when the loop is done with it (`settled`:
   * deleted or handed back), so whoever watches this process can hand back what it held if the
   * process dies.
   */
  onMessage?: (event: "held" | "settled", message: HeldMessage) => void;
  log: Log;
}

/** A message a loop holds, and the function that holds it (named like the deployed one). */
export interface HeldMessage {
  queueUrl: string;
  receiptHandle: string;
  functionName: string;
}

export interface WorkerLoop {
  stop(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 15 * 60 * 1000;
const ERROR_BACKOFF_MS = 1_000;

/**
 * Plays the part of Lambda's SQS event source mapping locally: receives one message at a time,
 * invokes the handler with the event Lambda would build, deletes on success and makes a failed
 * message visible again so SQS counts the receive and eventually redrives it to the DLQ.
 */
export function startWorkerLoop(options: WorkerLoopOptions): WorkerLoop {
  const { sqs, queueUrl, handler, log } = options;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const waitTimeSeconds = options.waitTimeSeconds ?? 1;
  const retryDelaySeconds = options.retryDelaySeconds ?? 0;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const functionName = options.functionName ?? `videocraft-local-${queueUrl.split("/").pop() ?? "worker"}`;

  let stopped = false;
  const wakeSleepers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeSleepers.delete(done);
        resolve();
      }
      wakeSleepers.add(done);
    });

  const queueInfo = runAsLocalFunction(functionName, () => describeQueue(sqs, queueUrl));

  async function pollOnce(): Promise<void> {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 1,
        WaitTimeSeconds: waitTimeSeconds,
        VisibilityTimeout: options.visibilityTimeoutSeconds,
        // Both spellings: older servers only know AttributeNames, newer SDKs prefer the other.
        AttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    for (const message of received.Messages ?? []) {
      const held = { queueUrl, receiptHandle: message.ReceiptHandle ?? "", functionName };
      options.onMessage?.("held", held);
      try {
        await handleMessage(message);
      } finally {
        options.onMessage?.("settled", held);
      }
    }
  }

  async function handleMessage(message: Message): Promise<void> {
    const info = await queueInfo;
    const record = toRecord(message, info);
    const visibility = options.visibilityTimeoutSeconds ?? info.visibilityTimeoutSeconds;
    const heartbeat = startHeartbeat(record.receiptHandle, visibility);
    let failed = false;
    try {
      const result = await handler({ Records: [record] }, createLambdaContext(functionName, timeoutMs));
      failed = (result?.batchItemFailures ?? []).some((f) => f.itemIdentifier === record.messageId);
      if (failed)
        log.debug("worker loop: handler reported the message as failed", { messageId: record.messageId });
    } catch (err) {
      failed = true;
      log.error("worker loop: handler threw", err instanceof Error ? err : { err: String(err) });
    } finally {
      await heartbeat.stop();
    }
    if (failed) {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: retryDelaySeconds,
        }),
      );
    } else {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle }));
    }
  }

  /**
   * Keeps a message hidden while its handler runs. Lambda gets this for free from a visibility
   * timeout set to 6x the function timeout; locally the queue's 60 s would otherwise expire in the
   * middle of a long render and hand the same job to a second worker.
   */
  function startHeartbeat(receiptHandle: string, visibilitySeconds: number) {
    const everyMs = Math.max(250, (visibilitySeconds * 1000) / 3);
    let inFlight: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      inFlight = sqs
        .send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: receiptHandle,
            VisibilityTimeout: visibilitySeconds,
          }),
        )
        .catch((err: unknown) => log.warn("worker loop: visibility heartbeat failed", { err: String(err) }));
    }, everyMs);
    return {
      async stop() {
        clearInterval(timer);
        // So the final visibility change or delete can't be overtaken by a late heartbeat.
        await inFlight;
      },
    };
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      try {
        await pollOnce();
      } catch (err) {
        if (stopped) break;
        log.warn("worker loop: receive/ack failed; retrying", { queueUrl, err: String(err) });
        await sleep(ERROR_BACKOFF_MS);
      }
    }
  }

  // Lambda's event source mapping polls with the function's own role: the polling counts as the function's.
  const loops = Array.from({ length: concurrency }, () => runAsLocalFunction(functionName, loop));
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        stopped = true;
        for (const wake of [...wakeSleepers]) wake();
        await Promise.all(loops);
      })();
      return stopping;
    },
  };
}

interface QueueInfo {
  arn: string;
  region: string;
  visibilityTimeoutSeconds: number;
}

/** Asked once per loop; on failure falls back to what the URL and SQS defaults say. */
async function describeQueue(sqs: SQSClient, queueUrl: string): Promise<QueueInfo> {
  const region = await sqs.config.region().catch(() => "us-east-1");
  const segments = new URL(queueUrl).pathname.split("/").filter(Boolean);
  const fallback: QueueInfo = {
    arn: `arn:aws:sqs:${region}:${segments[0] ?? "000000000000"}:${segments[1] ?? "queue"}`,
    region,
    visibilityTimeoutSeconds: 30,
  };
  try {
    const out = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ["QueueArn", "VisibilityTimeout"],
      }),
    );
    const vt = Number(out.Attributes?.VisibilityTimeout);
    return {
      arn: out.Attributes?.QueueArn ?? fallback.arn,
      region: out.Attributes?.QueueArn?.split(":")[3] || region,
      visibilityTimeoutSeconds: Number.isFinite(vt) && vt > 0 ? vt : fallback.visibilityTimeoutSeconds,
    };
  } catch {
    return fallback;
  }
}

/** The record shape Lambda's SQS event source delivers (batch size 1). */
function toRecord(message: Message, queue: QueueInfo): SQSRecord {
  const attrs = message.Attributes ?? {};
  const now = String(Date.now());
  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: value.DataType ?? "String",
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined
        ? { binaryValue: Buffer.from(value.BinaryValue).toString("base64") }
        : {}),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString("base64")),
    };
  }
  return {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: attrs.ApproximateReceiveCount ?? "1",
      SentTimestamp: attrs.SentTimestamp ?? now,
      SenderId: attrs.SenderId ?? "000000000000",
      ApproximateFirstReceiveTimestamp: attrs.ApproximateFirstReceiveTimestamp ?? now,
      ...(attrs.SequenceNumber ? { SequenceNumber: attrs.SequenceNumber } : {}),
      ...(attrs.MessageGroupId ? { MessageGroupId: attrs.MessageGroupId } : {}),
      ...(attrs.MessageDeduplicationId ? { MessageDeduplicationId: attrs.MessageDeduplicationId } : {}),
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? "",
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: "aws:sqs",
    eventSourceARN: queue.arn,
    awsRegion: queue.region,
  };
}
