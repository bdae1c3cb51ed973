import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AwsClientOptions, createAwsClients } from "../functions/adapters/aws-clients.js";
import { createLog } from "../functions/adapters/powertools-log.js";
import { createApiHandler } from "../functions/api/create-api-handler.js";
import { type Config, loadConfig } from "../functions/core/config.js";
import { resolveEnvAliases } from "../functions/core/env-aliases.js";
import { JobStore } from "../functions/core/jobs/job-store.js";
import { retentionRules } from "../functions/core/jobs/retention-rules.js";
import { systemClock } from "../functions/core/ports/clock.js";
import { InProcessMetrics } from "../functions/core/ports/in-process-metrics.js";
import type { Log } from "../functions/core/ports/log.js";
import type { ObjectStore } from "../functions/core/ports/object-store.js";
import { sourceHeadProber } from "../functions/render/pipeline/probe-source-head.js";
import type { RenderDeps } from "../functions/render/render-deps.js";
import { resolveWhisperPaths } from "../functions/render/speech/whisper-paths.js";
import type { WebhookTuning } from "../functions/render/webhook/send-job-webhook.js";
import { apiDeps, renderDeps, servicePorts } from "../functions/wiring.js";
import { claimDataDir, type DataDir, generateApiKey, keptApiKey, sweepWorkDir } from "./data-dir.js";
import { type EmbeddedStack, startEmbeddedStack } from "./embedded-stack.js";
import { startHttpServer } from "./http-server.js";
import { LOCAL_ONLY, runAsLocalFunction } from "./lambda-context.js";
import { startRenderLoops } from "./render-loops.js";
import { type RenderWorkers, startRenderWorkerProcess } from "./render-workers.js";
import { requeueStrandedJobs } from "./requeue-stranded-jobs.js";
import { startRetentionSweeper } from "./retention-sweeper.js";

export interface LocalServiceOptions {
  /** Variables as on AWS (VIDEOCRAFT_*); the emulator's bucket/queue/endpoint override theirs. */
  env?: Record<string, string | undefined>;
  /** HTTP port; 0 picks a free one. @default VIDEOCRAFT_SERVER_PORT, else 0 */
  port?: number;
  /** Address to listen on. @default VIDEOCRAFT_SERVER_HOST, else 127.0.0.1 */
  host?: string;
  /**
   * Keep jobs, videos and queues in this folder, so a restart resumes where the last run stopped
   * (`videocraft serve` uses `.videocraft/`). Without it everything lives in memory and is gone
   * when the service stops.
   */
  dataDir?: string;
  /** Render worker loops (VIDEOCRAFT_LOCAL_WORKERS); 0 runs the API alone. */
  workers?: number;
  /**
   * Fan-out across the worker loops (VIDEOCRAFT_LOCAL_FANOUT=true): jobs with several scenes are
   * split into segment tasks and assembled through the emulator's FIFO assembly queue. Off by default.
   */
  fanout?: boolean;
  log?: Log;
  /**
   * Test seams. They are functions that run inside the render handler (or its SDK clients), so
   * giving any of them runs the render loops in this process; otherwise they run in a render
   * worker process of their own and never share the API's event loop.
   */
  faults?: RenderDeps["faults"];
  /** DNS override for the render workers' source fetches (tests: a name rebinding to a private address). */
  resolver?: RenderDeps["resolver"];
  /** Webhook retry/network overrides (tests: short backoff). */
  webhook?: WebhookTuning;
  /** SDK client options (tests: middleware that records every AWS call, the render workers' included). */
  clients?: AwsClientOptions;
}

export interface LocalService {
  url: string;
  apiKey: string;
  /** Where the generated API key is kept (a data directory and no key configured); else undefined. */
  apiKeyFile: string | undefined;
  config: Config;
  store: ObjectStore;
  jobs: JobStore;
  stack: EmbeddedStack;
  /** The data directory in use; undefined when the service keeps everything in memory. */
  dataDir: string | undefined;
  /** What start-up found unfinished in the data directory and handed to the workers again. */
  recovered: { redelivered: number; requeued: string[]; staleWorkDirs: string[] };
  /** The render worker process, when renders run in one. */
  workers: RenderWorkers | undefined;
  /**
   * Stops the API, then the workers: jobs in progress finish first, unless `now`, which abandons
   * them (a durable service renders them again at its next start).
   */
  stop(options?: { now?: boolean }): Promise<void>;
}

/**
 * The whole service on one machine: the embedded S3+SQS emulator (its own process), the same API
 * handler behind a local HTTP server, and the same render and dead-letter handlers fed by local
 * queue pollers (in a render worker process of their own).
 */
export async function startLocalService(options: LocalServiceOptions = {}): Promise<LocalService> {
  // VideoCraft's names for our settings (VIDEOCRAFT_SECURITY_API_KEY, …) count as ours.
  const env = resolveEnvAliases(options.env ?? {});
  const seams = {
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.resolver ? { resolver: options.resolver } : {}),
    ...(options.webhook ? { webhook: options.webhook } : {}),
  };
  const inProcess = Object.keys(seams).length > 0 || options.clients !== undefined;

  const cleanup: (() => Promise<unknown>)[] = [];
  const undo = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  };
  try {
    const dataDir: DataDir | undefined = options.dataDir ? await claimDataDir(options.dataDir) : undefined;
    if (dataDir) cleanup.push(() => dataDir.release());
    const staleWorkDirs = dataDir ? await sweepWorkDir(dataDir) : [];
    // Renders get a scratch folder of their own unless one is configured: the data directory's
    // (swept above), or a temporary one removed at stop.
    let workDir = env.VIDEOCRAFT_WORK_DIR || dataDir?.workDir;
    if (!workDir) {
      const temporary = await mkdtemp(join(tmpdir(), "videocraft-work-"));
      cleanup.push(() => rm(temporary, { recursive: true, force: true }));
      workDir = temporary;
    }

    const stack = await startEmbeddedStack(dataDir ? { dataDir: dataDir.path } : {});
    cleanup.push(() => stack.stop());
    // A key from the environment wins; otherwise a durable service keeps the one it made.
    const kept = !env.VIDEOCRAFT_API_KEY && dataDir ? await keptApiKey(dataDir) : undefined;
    const apiKey = env.VIDEOCRAFT_API_KEY || kept?.value || generateApiKey();
    const fanout = options.fanout ?? ["true", "1"].includes(env.VIDEOCRAFT_LOCAL_FANOUT ?? "");
    const serviceEnv: Record<string, string | undefined> = {
      ...env,
      ...stack.env,
      ...(fanout ? { VIDEOCRAFT_ASSEMBLY_QUEUE_URL: stack.assemblyQueueUrl } : {}),
      VIDEOCRAFT_WORK_DIR: workDir,
      VIDEOCRAFT_API_KEY: apiKey,
      VIDEOCRAFT_AUTH: "api-key",
    };
    const config = loadConfig(serviceEnv);
    const log = options.log ?? createLog("videocraft-local", env.VIDEOCRAFT_LOG_LEVEL ?? "WARN");
    if (config.allowPrivateSources) {
      log.warn(
        "VIDEOCRAFT_ALLOW_PRIVATE_SOURCES=true: sources on loopback and private networks can be fetched. Never enable this on a deployed service.",
      );
    }
    const clients = createAwsClients(config, options.clients);
    cleanup.push(async () => {
      clients.s3.destroy();
      clients.sqs.destroy();
    });
    const ports = servicePorts(config, clients);
    const { store } = ports;
    const jobs = new JobStore(store);
    const clock = systemClock;

    const requeued = dataDir
      ? await requeueStrandedJobs({
          jobs,
          queue: ports.renderQueue,
          pendingBodies: stack.pendingBodies,
          now: clock.now(),
        })
      : [];
    const recovered = { redelivered: stack.redelivered, requeued, staleWorkDirs };
    if (recovered.redelivered + requeued.length + staleWorkDirs.length > 0)
      log.info("resumed the jobs the last run left unfinished", {
        redelivered: recovered.redelivered,
        requeued: requeued.length,
        staleWorkDirs: staleWorkDirs.length,
      });

    // GET /v1/metrics reads what the API and the render workers (wherever they run) recorded.
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
    // Before the workers start, so a port in use is reported before anything else is spawned.
    const http = await startHttpServer(api, {
      port: options.port ?? Number(env.VIDEOCRAFT_SERVER_PORT || 0),
      host: options.host ?? (env.VIDEOCRAFT_SERVER_HOST || "127.0.0.1"),
    });
    cleanup.push(() => http.close());
    const concurrency = options.workers ?? Number(env.VIDEOCRAFT_LOCAL_WORKERS ?? 1);
    // 0 workers = an API-only node (jobs wait in the queue), used to measure the API on its own.
    let workers: RenderWorkers | undefined;
    if (concurrency > 0 && inProcess) {
      const deps = renderDeps(config, ports, resolveWhisperPaths(config.transcriptionModel, serviceEnv), {
        clock,
        log,
        metrics,
        ...seams,
      });
      const loops = startRenderLoops({
        config,
        clients,
        deps,
        concurrency,
        assemblyDlqUrl: stack.assemblyDlqUrl,
        log,
      });
      cleanup.push(() => loops.stop());
    } else if (concurrency > 0) {
      const started = await startRenderWorkerProcess({
        start: { env: serviceEnv, concurrency, assemblyDlqUrl: stack.assemblyDlqUrl },
        log,
        metrics,
        sqs: clients.sqs,
      });
      workers = started;
      cleanup.push(() => started.stop());
    }

    // S3 lifecycle rules do this on AWS: no function does.
    const sweeper = runAsLocalFunction(LOCAL_ONLY.retentionSweeper, () =>
      startRetentionSweeper({
        s3: clients.s3,
        bucket: config.bucket,
        rules: retentionRules(config.retentionDays),
        log,
      }),
    );
    cleanup.push(async () => sweeper.stop());

    let stopped: Promise<void> | undefined;
    return {
      url: http.url,
      apiKey,
      apiKeyFile: kept?.path,
      config,
      store,
      jobs,
      stack,
      dataDir: dataDir?.path,
      recovered,
      workers,
      stop(stopOptions = {}) {
        if (stopOptions.now) void workers?.stop({ now: true });
        // No new requests while the workers finish what they hold.
        stopped ??= http.close().then(undo);
        return stopped;
      },
    };
  } catch (e) {
    await undo();
    throw e;
  }
}
