import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { CreateQueueCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { buildApp } from "fauxqs";
import { createAwsClients } from "../functions/adapters/aws-clients.js";
import { addEmulatorCors } from "./emulator-cors.js";

export const LOCAL_BUCKET = "videocraft-local";
export const LOCAL_QUEUE = "videocraft-render";
export const LOCAL_DLQ = "videocraft-render-dlq";
/** FIFO: MessageDeduplicationId = job id makes "assemble this job" happen once (issue 6 fan-out). */
export const LOCAL_ASSEMBLY_QUEUE = "videocraft-assembly.fifo";
export const LOCAL_ASSEMBLY_DLQ = "videocraft-assembly-dlq.fifo";
const REGION = "us-east-1";
/** Same as the deployed queue (SPEC §5): the fourth receive goes to the DLQ instead. */
const MAX_RECEIVE_COUNT = 3;
const VISIBILITY_TIMEOUT_SECONDS = 60;

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
  /** What `loadConfig` needs to point the API and render handlers at this stack. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts an in-memory S3+SQS emulator (fauxqs) inside this process and creates the bucket and queues
 * the way CDK does on AWS. Resources go through the AWS SDK, not fauxqs' helpers, so a protocol
 * difference shows up here first rather than in a handler.
 */
export async function startEmbeddedStack(options: { port?: number } = {}): Promise<EmbeddedStack> {
  // `startFauxqs` always binds 0.0.0.0, which would publish unauthenticated storage to the LAN;
  // its app builder lets us choose the loopback interface instead.
  const app = buildApp({ logger: false, defaultRegion: REGION });
  addEmulatorCors(app);
  const address = await app.listen({ port: options.port ?? 0, host: "127.0.0.1" });
  const endpoint = `http://127.0.0.1:${new URL(address).port}`;
  const { s3, sqs } = createAwsClients({ region: REGION, awsEndpoint: endpoint });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: LOCAL_BUCKET }));
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: LOCAL_DLQ }));
    const dlqUrl = required(dlq.QueueUrl, "DLQ url");
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }),
    );
    const dlqArn = required(attrs.Attributes?.QueueArn, "DLQ arn");
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: LOCAL_QUEUE,
        Attributes: {
          VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: MAX_RECEIVE_COUNT }),
        },
      }),
    );
    const queueUrl = required(queue.QueueUrl, "queue url");
    const assemblyDlq = await sqs.send(
      new CreateQueueCommand({
        QueueName: LOCAL_ASSEMBLY_DLQ,
        Attributes: { FifoQueue: "true", ContentBasedDeduplication: "false" },
      }),
    );
    const assemblyDlqUrl = required(assemblyDlq.QueueUrl, "assembly DLQ url");
    const assemblyDlqAttrs = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: assemblyDlqUrl, AttributeNames: ["QueueArn"] }),
    );
    const assembly = await sqs.send(
      new CreateQueueCommand({
        QueueName: LOCAL_ASSEMBLY_QUEUE,
        Attributes: {
          FifoQueue: "true",
          ContentBasedDeduplication: "false",
          VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: required(assemblyDlqAttrs.Attributes?.QueueArn, "assembly DLQ arn"),
            maxReceiveCount: MAX_RECEIVE_COUNT,
          }),
        },
      }),
    );
    const assemblyQueueUrl = required(assembly.QueueUrl, "assembly queue url");
    let stopping: Promise<void> | undefined;
    return {
      endpoint,
      bucket: LOCAL_BUCKET,
      queueUrl,
      dlqUrl,
      assemblyQueueUrl,
      assemblyDlqUrl,
      env: {
        VIDEOCRAFT_AWS_ENDPOINT: endpoint,
        VIDEOCRAFT_BUCKET: LOCAL_BUCKET,
        VIDEOCRAFT_QUEUE_URL: queueUrl,
        VIDEOCRAFT_DLQ_URL: dlqUrl,
        VIDEOCRAFT_MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
        AWS_REGION: REGION,
        // For tools outside our client factory (aws cli, other SDKs): the emulator accepts any.
        AWS_ACCESS_KEY_ID: "videocraft-local",
        AWS_SECRET_ACCESS_KEY: "videocraft-local",
      },
      stop() {
        stopping ??= (async () => {
          s3.destroy();
          sqs.destroy();
          await app.close();
        })();
        return stopping;
      },
    };
  } catch (err) {
    s3.destroy();
    sqs.destroy();
    await app.close();
    throw err;
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`embedded stack: emulator returned no ${what}`);
  return value;
}
