import { createAwsClients } from "../adapters/aws-clients.js";
import { EmfMetrics } from "../adapters/emf-metrics.js";
import { createLog } from "../adapters/powertools-log.js";
import { S3ObjectStore } from "../adapters/s3-object-store.js";
import { SqsJobQueue } from "../adapters/sqs-job-queue.js";
import { loadConfig } from "../core/config.js";
import { JobStore } from "../core/jobs/job-store.js";
import { systemClock } from "../core/ports/clock.js";
import { createDeadLetterHandler } from "./create-dead-letter-handler.js";
import { createRenderHandler } from "./create-render-handler.js";
import { resolveWhisperPaths } from "./speech/whisper-paths.js";

/** Lambda entry points of the render worker image: wiring only, read once per cold start. */
const config = loadConfig();
const log = createLog("videocraft-render");
const clients = createAwsClients(config);
const store = new S3ObjectStore({ client: clients.s3, bucket: config.bucket });
const jobs = new JobStore(store);
const metrics = new EmfMetrics("videocraft-render", config.metricNamespace);

/** SQS render queue → one job per message. */
export const handler = createRenderHandler({
  config,
  store,
  jobs,
  clock: systemClock,
  log,
  metrics,
  whisper: resolveWhisperPaths(config.transcriptionModel, process.env),
  // Fan-out (issue 6): segment tasks go back on the render queue, assembly on the FIFO queue.
  ...(config.fanout.assemblyQueueUrl
    ? {
        queues: {
          render: new SqsJobQueue({ client: clients.sqs, queueUrl: config.queueUrl }),
          assembly: new SqsJobQueue({ client: clients.sqs, queueUrl: config.fanout.assemblyQueueUrl }),
        },
      }
    : {}),
});

/** SQS dead-letter queue → mark the job failed (and send its webhook). */
export const deadLetterHandler = createDeadLetterHandler({
  config,
  store,
  jobs,
  clock: systemClock,
  log,
  metrics,
});
