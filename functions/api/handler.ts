import { createAwsClients } from "../adapters/aws-clients.js";
import { createCloudWatchClient } from "../adapters/cloudwatch-client.js";
import { CloudWatchMetricsReader } from "../adapters/cloudwatch-metrics-reader.js";
import { EmfMetrics } from "../adapters/emf-metrics.js";
import { createLog } from "../adapters/powertools-log.js";
import { S3ObjectStore } from "../adapters/s3-object-store.js";
import { SqsJobQueue } from "../adapters/sqs-job-queue.js";
import { SqsQueueDepth } from "../adapters/sqs-queue-depth.js";
import { loadConfig } from "../core/config.js";
import { systemClock } from "../core/ports/clock.js";
import { createApiHandler } from "./create-api-handler.js";

// Module scope: read once per cold start, so a bad setting fails the first request loudly.
const config = loadConfig();
const log = createLog("videocraft-api");
const clients = createAwsClients(config);

export const handler = createApiHandler({
  config,
  store: new S3ObjectStore({
    client: clients.s3,
    bucket: config.bucket,
    // Real S3 honours If-None-Match; the emulator (reached through an explicit endpoint) does not.
    emulateConditionalWrites: config.awsEndpoint !== undefined,
  }),
  queue: new SqsJobQueue({ client: clients.sqs, queueUrl: config.queueUrl }),
  clock: systemClock,
  log,
  metrics: new EmfMetrics("videocraft-api", config.metricNamespace),
  metricsReader: new CloudWatchMetricsReader(createCloudWatchClient(config), config.metricNamespace),
  queueDepth: new SqsQueueDepth({ client: clients.sqs, queueUrl: config.queueUrl }),
});
