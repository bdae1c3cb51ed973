import { Logger } from "@aws-lambda-powertools/logger";
import { createAwsClients } from "../adapters/aws-clients.js";
import { S3ObjectStore } from "../adapters/s3-object-store.js";
import { SqsJobQueue } from "../adapters/sqs-job-queue.js";
import { loadConfig } from "../core/config.js";
import { systemClock } from "../core/ports/clock.js";
import type { Log } from "../core/ports/log.js";
import { createApiHandler } from "./create-api-handler.js";

// Module scope: read once per cold start, so a bad setting fails the first request loudly.
const config = loadConfig();
const logger = new Logger({ serviceName: "videocraft-api" });
const clients = createAwsClients(config);

// Powertools takes extras as a rest parameter, the core's Log as one optional argument.
const extras = (extra: Record<string, unknown> | undefined) => (extra ? [extra] : []);
const log: Log = {
  debug: (message, extra) => logger.debug(message, ...extras(extra)),
  info: (message, extra) => logger.info(message, ...extras(extra)),
  warn: (message, extra) => logger.warn(message, ...extras(extra)),
  error: (message, extra) =>
    extra instanceof Error ? logger.error(message, extra) : logger.error(message, ...extras(extra)),
};

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
});
