import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { CreateQueueCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { createAwsClients, ENDPOINT_ACCESS_KEY_ID } from "../functions/adapters/aws-clients.js";
import type { EmulatorMessage, EmulatorStart } from "./emulator-process.js";
import {
  LOCAL_ASSEMBLY_DLQ,
  LOCAL_ASSEMBLY_QUEUE,
  LOCAL_BUCKET,
  LOCAL_DLQ,
  LOCAL_QUEUE,
} from "./local-resource-names.js";
import { forkTypescript } from "./typescript-entry.js";

export { LOCAL_BUCKET };

const REGION = "us-east-1";
const EMULATOR_ENTRY = fileURLToPath(new URL("./emulator-process.ts", import.meta.url));
/**
 * Same as the deployed queue (infra/work-queue.ts): a message that failed three receives is poison, so
 * the fourth goes to the DLQ, whose consumer marks the job failed instead of retrying it forever.
 */
const MAX_RECEIVE_COUNT = 3;
const VISIBILITY_TIMEOUT_SECONDS = 60;

export interface EmbeddedStackOptions {
  /** Keep the bucket and the queues in this folder across restarts; in memory when absent. */
  dataDir?: string;
  /** On 127.0.0.1; 0 (default) picks a free port. */
  port?: number;
}

export interface EmbeddedStack {
  /** `http://127.0.0.1:<port>`: S3 and SQS share it. */
  endpoint: string;
  bucket: string;
  queueUrl: string;
  dlqUrl: string;
  /**
   * The fan-out assembly queue and its DLQ. Not in `env`: fan-out stays off unless the caller adds
   * `VIDEOCRAFT_ASSEMBLY_QUEUE_URL` (local-service does for VIDEOCRAFT_LOCAL_FANOUT=true).
   */
  assemblyQueueUrl: string;
  assemblyDlqUrl: string;
  /** The secret every request must be signed with (access key id ENDPOINT_ACCESS_KEY_ID); new each start. */
  secret: string;
  /** Messages that were in flight when the data directory was last used, made visible again at start. */
  redelivered: number;
  /** Bodies of every message the queues held at start (a fresh stack: none). */
  pendingBodies: string[];
  /** What `loadConfig` needs to point the API and render handlers at this stack. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts the S3+SQS emulator (fauxqs, see emulator-server.ts) in its own process and creates the
 * bucket and queues the way CDK does on AWS (a no-op for those a data directory already holds).
 * Resources go through the AWS SDK, not fauxqs' helpers, so a protocol difference shows up here
 * first rather than in a handler.
 */
export async function startEmbeddedStack(options: EmbeddedStackOptions = {}): Promise<EmbeddedStack> {
  const secret = randomBytes(32).toString("base64url");
  // Its own process group, so a signal to the service's group leaves it to close its files
  // when the service is gone (it watches the IPC channel), never in the middle of a write.
  const child = forkTypescript(EMULATOR_ENTRY);
  const start: EmulatorStart = {
    type: "start",
    dataDir: options.dataDir,
    port: options.port ?? 0,
    region: REGION,
    credentials: { accessKeyId: ENDPOINT_ACCESS_KEY_ID, secretAccessKey: secret },
  };
  child.send(start);
  const ready = await untilReady(child);
  let stopping: Promise<void> | undefined;
  const stopEmulator = () => {
    stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.disconnect();
    });
    return stopping;
  };

  const { endpoint } = ready;
  const { s3, sqs } = createAwsClients({ region: REGION, awsEndpoint: endpoint, awsEndpointSecret: secret });
  // A data directory keeps queue URLs with the port of the run that created them; the emulator
  // finds queues by name whatever the host, so the URLs handed out carry this run's endpoint.
  const createQueue = async (name: string, attributes?: Record<string, string>) => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    return `${endpoint}${new URL(required(QueueUrl, `${name} url`)).pathname}`;
  };
  /** What a queue needs to hand a message to `dlqUrl` after the last receive. */
  const retried = async (dlqUrl: string) => {
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }),
    );
    return {
      VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: required(attrs.Attributes?.QueueArn, "DLQ arn"),
        maxReceiveCount: MAX_RECEIVE_COUNT,
      }),
    };
  };
  const fifo = { FifoQueue: "true", ContentBasedDeduplication: "false" };
  try {
    await s3.send(new CreateBucketCommand({ Bucket: LOCAL_BUCKET }));
    const dlqUrl = await createQueue(LOCAL_DLQ);
    const queueUrl = await createQueue(LOCAL_QUEUE, await retried(dlqUrl));
    const assemblyDlqUrl = await createQueue(LOCAL_ASSEMBLY_DLQ, fifo);
    const assemblyQueueUrl = await createQueue(LOCAL_ASSEMBLY_QUEUE, {
      ...fifo,
      ...(await retried(assemblyDlqUrl)),
    });
    s3.destroy();
    sqs.destroy();
    return {
      endpoint,
      bucket: LOCAL_BUCKET,
      queueUrl,
      dlqUrl,
      assemblyQueueUrl,
      assemblyDlqUrl,
      secret,
      redelivered: ready.redelivered,
      pendingBodies: ready.pendingBodies,
      env: {
        VIDEOCRAFT_AWS_ENDPOINT: endpoint,
        VIDEOCRAFT_AWS_ENDPOINT_SECRET: secret,
        VIDEOCRAFT_BUCKET: LOCAL_BUCKET,
        VIDEOCRAFT_QUEUE_URL: queueUrl,
        VIDEOCRAFT_DLQ_URL: dlqUrl,
        VIDEOCRAFT_MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
        AWS_REGION: REGION,
        // For tools outside our client factory (aws cli, other SDKs) run against this stack.
        AWS_ACCESS_KEY_ID: ENDPOINT_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: secret,
      },
      stop: stopEmulator,
    };
  } catch (err) {
    s3.destroy();
    sqs.destroy();
    await stopEmulator();
    throw err;
  }
}

/** The emulator's first message: ready (with its endpoint) or why it could not start. */
async function untilReady(child: ChildProcess): Promise<Extract<EmulatorMessage, { type: "ready" }>> {
  let onMessage: (m: EmulatorMessage) => void = () => {};
  let onError: (e: Error) => void = () => {};
  let onExit: (code: number | null) => void = () => {};
  try {
    return await new Promise((resolve, reject) => {
      onMessage = (m) =>
        m.type === "ready" ? resolve(m) : reject(new Error(`embedded stack: ${m.message}`));
      onError = reject;
      onExit = (code) => reject(new Error(`embedded stack: the emulator process exited (${code})`));
      child.on("message", onMessage).on("error", onError).on("exit", onExit);
    });
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  } finally {
    child.off("message", onMessage).off("error", onError).off("exit", onExit);
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`embedded stack: emulator returned no ${what}`);
  return value;
}
