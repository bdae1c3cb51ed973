import { type AwsClients, createAwsClients } from "./adapters/aws-clients.js";
import { createCloudWatchClient } from "./adapters/cloudwatch-client.js";
import { CloudWatchMetricsReader } from "./adapters/cloudwatch-metrics-reader.js";
import { EmfMetrics } from "./adapters/emf-metrics.js";
import { createLambdaClient } from "./adapters/lambda-client.js";
import { lambdaSourceProber } from "./adapters/lambda-source-prober.js";
import { createLog } from "./adapters/powertools-log.js";
import { S3ObjectStore } from "./adapters/s3-object-store.js";
import { SqsJobQueue } from "./adapters/sqs-job-queue.js";
import { SqsQueueDepth } from "./adapters/sqs-queue-depth.js";
import type { ApiDeps } from "./api/api-deps.js";
import type { Config } from "./core/config.js";
import { JobStore } from "./core/jobs/job-store.js";
import { systemClock } from "./core/ports/clock.js";
import type { JobQueue } from "./core/ports/job-queue.js";
import type { Log } from "./core/ports/log.js";
import type { Metrics } from "./core/ports/metrics.js";
import type { ObjectStore } from "./core/ports/object-store.js";
import type { QueueDepth } from "./core/ports/queue-depth.js";
import { noSourceProbing } from "./core/ports/source-prober.js";
import type { RenderDeps } from "./render/render-deps.js";
import type { WhisperPaths } from "./render/speech/whisper-paths.js";

/**
 * The one place that builds what the functions run on. The Lambda entries, local mode, the
 * benches and the tests all come through here: `servicePorts` puts storage and queues on S3 and
 * SQS (or tests bring in-memory ones), `apiDeps` and `renderDeps` complete each function's
 * dependencies, taking overrides for what local mode and tests do differently. Nothing here is
 * imported by core, which stays free of the SDK.
 */

/** Storage and queues, shared by the API and the render worker. */
export interface ServicePorts {
  store: ObjectStore;
  /** The render queue: one message per job (and per scene segment of a fanned-out job). */
  renderQueue: JobQueue;
  renderQueueDepth: QueueDepth;
  /** Where fanned-out jobs are sent for assembly; absent when fan-out is off. */
  assemblyQueue?: JobQueue;
}

/** The ports on S3 and SQS: AWS itself, or the emulator when the config names an endpoint. */
export function servicePorts(config: Config, clients: AwsClients): ServicePorts {
  const queue = (queueUrl: string) => new SqsJobQueue({ client: clients.sqs, queueUrl });
  return {
    // Conditional writes (If-None-Match) are enforced by S3 and by the embedded emulator alike.
    store: new S3ObjectStore({ client: clients.s3, bucket: config.bucket }),
    renderQueue: queue(config.queueUrl),
    renderQueueDepth: new SqsQueueDepth({ client: clients.sqs, queueUrl: config.queueUrl }),
    ...(config.fanout.assemblyQueueUrl ? { assemblyQueue: queue(config.fanout.assemblyQueueUrl) } : {}),
  };
}

/** What the API may take from its caller instead of the Lambda defaults. */
export type ApiOverrides = Partial<
  Pick<
    ApiDeps,
    "clock" | "log" | "metrics" | "metricsReader" | "probeSources" | "downloads" | "maxStreamedBytes"
  >
>;

/**
 * The API's dependencies. Defaults are the Lambda's: Powertools logs, EMF metrics read back from
 * CloudWatch, dry-run sources probed by invoking the probe function when the config names one
 * (the API function carries neither the fetcher nor ffprobe; local mode passes the worker's probe)
 * and none otherwise, and downloads as redirects (the buffered proxy integration cannot carry a
 * video; local mode and the download function stream).
 */
export function apiDeps(config: Config, ports: ServicePorts, overrides: ApiOverrides = {}): ApiDeps {
  const log = overrides.log ?? createLog("videocraft-api");
  return {
    config,
    store: ports.store,
    queue: ports.renderQueue,
    queueDepth: ports.renderQueueDepth,
    clock: overrides.clock ?? systemClock,
    log,
    metrics: overrides.metrics ?? new EmfMetrics("videocraft-api", config.metricNamespace),
    metricsReader:
      overrides.metricsReader ??
      new CloudWatchMetricsReader(createCloudWatchClient(config), config.metricNamespace),
    probeSources: overrides.probeSources ?? probeFunctionOf(config, log),
    downloads: overrides.downloads ?? "redirect",
    ...(overrides.maxStreamedBytes !== undefined ? { maxStreamedBytes: overrides.maxStreamedBytes } : {}),
  };
}

/** The dry run's probe on AWS: an invocation of the probe function, when there is one. */
function probeFunctionOf(config: Config, log: Log): ApiDeps["probeSources"] {
  if (!config.probeFunction) return noSourceProbing;
  return lambdaSourceProber({
    client: createLambdaClient(config),
    functionName: config.probeFunction,
    log,
  });
}

/** What the render worker may take from its caller instead of the Lambda defaults. */
export type RenderOverrides = Partial<
  Pick<RenderDeps, "clock" | "log" | "faults" | "resolver" | "webhook">
> & {
  metrics?: Metrics;
};

/**
 * The render worker's (and its dead-letter handler's) dependencies; fan-out is on exactly when
 * the ports have an assembly queue. `whisper` comes from the caller (resolveWhisperPaths) so that
 * the API's bundle, which imports this module too, carries no render code.
 */
export function renderDeps(
  config: Config,
  ports: ServicePorts,
  whisper: WhisperPaths,
  overrides: RenderOverrides = {},
): RenderDeps & { metrics: Metrics } {
  const { clock, log, metrics, ...seams } = overrides;
  return {
    config,
    store: ports.store,
    jobs: new JobStore(ports.store),
    clock: clock ?? systemClock,
    log: log ?? createLog("videocraft-render"),
    metrics: metrics ?? new EmfMetrics("videocraft-render", config.metricNamespace),
    whisper,
    ...(ports.assemblyQueue ? { queues: { render: ports.renderQueue, assembly: ports.assemblyQueue } } : {}),
    ...seams,
  };
}

/** The API function on Lambda: clients and ports from the config, every default. */
export const lambdaApiDeps = (config: Config): ApiDeps =>
  apiDeps(config, servicePorts(config, createAwsClients(config)));

/**
 * The download function on Lambda: the API's dependencies with downloads streamed (up to
 * Lambda's streamed response size; larger videos get the redirect).
 */
export const lambdaDownloadDeps = (config: Config): ApiDeps =>
  apiDeps(config, servicePorts(config, createAwsClients(config)), {
    log: createLog("videocraft-download"),
    downloads: "stream",
  });

/** The render function on Lambda: clients and ports from the config, every default. */
export const lambdaRenderDeps = (config: Config, whisper: WhisperPaths): RenderDeps & { metrics: Metrics } =>
  renderDeps(config, servicePorts(config, createAwsClients(config)), whisper);
