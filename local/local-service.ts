import { randomBytes } from "node:crypto";
import { type AwsClientOptions, createAwsClients } from "../functions/adapters/aws-clients.js";
import { createLog } from "../functions/adapters/powertools-log.js";
import { createApiHandler } from "../functions/api/create-api-handler.js";
import { type Config, loadConfig } from "../functions/core/config.js";
import { resolveEnvAliases } from "../functions/core/env-aliases.js";
import type { JobStore } from "../functions/core/jobs/job-store.js";
import { retentionRules } from "../functions/core/jobs/retention-rules.js";
import { systemClock } from "../functions/core/ports/clock.js";
import { InProcessMetrics } from "../functions/core/ports/in-process-metrics.js";
import type { Log } from "../functions/core/ports/log.js";
import type { ObjectStore } from "../functions/core/ports/object-store.js";
import { createDeadLetterHandler } from "../functions/render/create-dead-letter-handler.js";
import { createRenderHandler } from "../functions/render/create-render-handler.js";
import { sourceHeadProber } from "../functions/render/pipeline/probe-source-head.js";
import type { RenderDeps } from "../functions/render/pipeline/render-job.js";
import { resolveWhisperPaths } from "../functions/render/speech/whisper-paths.js";
import type { WebhookTuning } from "../functions/render/webhook/send-job-webhook.js";
import { apiDeps, renderDeps, servicePorts } from "../functions/wiring.js";
import { type EmbeddedStack, startEmbeddedStack } from "./embedded-stack.js";
import { startHttpServer } from "./http-server.js";
import { LOCAL_FUNCTIONS, LOCAL_ONLY, runAsLocalFunction } from "./lambda-context.js";
import { startRetentionSweeper } from "./retention-sweeper.js";
import { type SqsHandler, startWorkerLoop } from "./worker-loop.js";

export interface LocalServiceOptions {
  /** Variables as on AWS (VIDEOCRAFT_*); the emulator's bucket/queue/endpoint override theirs. */
  env?: Record<string, string | undefined>;
  /** HTTP port; 0 picks a free one. @default VIDEOCRAFT_SERVER_PORT, else 0 */
  port?: number;
  /** Address to listen on. @default VIDEOCRAFT_SERVER_HOST, else 127.0.0.1 */
  host?: string;
  /** Render worker loops (VIDEOCRAFT_LOCAL_WORKERS); 0 runs the API alone. */
  workers?: number;
  /**
   * Fan-out across the worker loops (VIDEOCRAFT_LOCAL_FANOUT=true): jobs with several scenes are
   * split into segment tasks and assembled through the emulator's FIFO assembly queue. Off by default.
   */
  fanout?: boolean;
  log?: Log;
  faults?: RenderDeps["faults"];
  /** DNS override for the render workers' source fetches (tests: a name rebinding to a private address). */
  resolver?: RenderDeps["resolver"];
  /** Webhook retry/network overrides (tests: short backoff). */
  webhook?: WebhookTuning;
  /** SDK client options (tests: middleware that records every AWS call). */
  clients?: AwsClientOptions;
}

export interface LocalService {
  url: string;
  apiKey: string;
  config: Config;
  store: ObjectStore;
  jobs: JobStore;
  stack: EmbeddedStack;
  stop(): Promise<void>;
}

/**
 * The whole service on one machine: the embedded S3+SQS emulator, the same API handler behind a
 * local HTTP server, and the same render and dead-letter handlers fed by local queue pollers.
 */
export async function startLocalService(options: LocalServiceOptions = {}): Promise<LocalService> {
  // VideoCraft's names for our settings (VIDEOCRAFT_SECURITY_API_KEY, …) count as ours.
  const env = resolveEnvAliases(options.env ?? {});
  const stack = await startEmbeddedStack();
  const apiKey = env.VIDEOCRAFT_API_KEY || randomBytes(24).toString("base64url");
  let config: Config;
  try {
    const fanout = options.fanout ?? ["true", "1"].includes(env.VIDEOCRAFT_LOCAL_FANOUT ?? "");
    config = loadConfig({
      ...env,
      ...stack.env,
      ...(fanout ? { VIDEOCRAFT_ASSEMBLY_QUEUE_URL: stack.assemblyQueueUrl } : {}),
      VIDEOCRAFT_API_KEY: apiKey,
      VIDEOCRAFT_AUTH: "api-key",
    });
  } catch (e) {
    await stack.stop();
    throw e;
  }
  const log = options.log ?? createLog("videocraft-local", env.VIDEOCRAFT_LOG_LEVEL ?? "WARN");
  if (config.allowPrivateSources) {
    log.warn(
      "VIDEOCRAFT_ALLOW_PRIVATE_SOURCES=true: sources on loopback and private networks can be fetched. Never enable this on a deployed service.",
    );
  }
  const clients = createAwsClients(config, options.clients);
  const ports = servicePorts(config, clients);
  const { store } = ports;
  const clock = systemClock;

  // API and render workers share this process, so GET /v1/metrics reads what they recorded.
  const metrics = new InProcessMetrics(clock);
  const api = createApiHandler(
    apiDeps(config, ports, {
      clock,
      log,
      metrics,
      metricsReader: metrics,
      // The API runs next to the worker here, so a dry run probes sources in-process, as the probe
      // function the deployed API invokes would.
      probeSources: (srcs) =>
        runAsLocalFunction(LOCAL_ONLY.dryRunProbe, () => sourceHeadProber({ config, store })(srcs)),
      // The local HTTP server pipes a download's bytes (VideoCraft's clients expect them, not a redirect).
      downloads: "stream",
    }),
  );
  const http = await startHttpServer(api, {
    port: options.port ?? Number(env.VIDEOCRAFT_SERVER_PORT || 0),
    host: options.host ?? (env.VIDEOCRAFT_SERVER_HOST || "127.0.0.1"),
  });
  const deps = renderDeps(config, ports, resolveWhisperPaths(config.transcriptionModel, env), {
    clock,
    log,
    metrics,
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.resolver ? { resolver: options.resolver } : {}),
    ...(options.webhook ? { webhook: options.webhook } : {}),
  });
  const { jobs } = deps;
  const render = createRenderHandler(deps);
  const concurrency = options.workers ?? Number(env.VIDEOCRAFT_LOCAL_WORKERS ?? 1);
  // 0 workers = an API-only node (jobs wait in the queue), used to measure the API on its own.
  const workers =
    concurrency > 0
      ? startWorkerLoop({
          sqs: clients.sqs,
          queueUrl: config.queueUrl,
          handler: render,
          concurrency,
          functionName: LOCAL_FUNCTIONS.render,
          log,
        })
      : undefined;
  const deadLetterHandler: SqsHandler = createDeadLetterHandler(deps);
  const deadLetters = config.dlqUrl
    ? startWorkerLoop({
        sqs: clients.sqs,
        queueUrl: config.dlqUrl,
        handler: deadLetterHandler,
        functionName: LOCAL_FUNCTIONS.deadLetter,
        log,
      })
    : undefined;
  // Fan-out: the same render handler assembles jobs from the FIFO queue; its DLQ fails them.
  const assemblers = config.fanout.assemblyQueueUrl
    ? [
        startWorkerLoop({
          sqs: clients.sqs,
          queueUrl: config.fanout.assemblyQueueUrl,
          handler: render,
          concurrency,
          functionName: LOCAL_FUNCTIONS.render,
          log,
        }),
        startWorkerLoop({
          sqs: clients.sqs,
          queueUrl: stack.assemblyDlqUrl,
          handler: deadLetterHandler,
          functionName: LOCAL_FUNCTIONS.deadLetter,
          log,
        }),
      ]
    : [];

  // S3 lifecycle rules do this on AWS: no function does.
  const sweeper = runAsLocalFunction(LOCAL_ONLY.retentionSweeper, () =>
    startRetentionSweeper({
      s3: clients.s3,
      bucket: config.bucket,
      rules: retentionRules(config.retentionDays),
      log,
    }),
  );

  let stopped: Promise<void> | undefined;
  return {
    url: http.url,
    apiKey,
    config,
    store,
    jobs,
    stack,
    stop() {
      stopped ??= (async () => {
        sweeper.stop();
        await http.close();
        await Promise.all([workers?.stop(), deadLetters?.stop(), ...assemblers.map((a) => a.stop())]);
        clients.s3.destroy();
        clients.sqs.destroy();
        await stack.stop();
      })();
      return stopped;
    },
  };
}
