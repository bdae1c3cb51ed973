import { readFileSync } from "node:fs";
import path from "node:path";
import { CfnOutput, Duration, Stack, type StackProps, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type { Construct } from "constructs";
import { metricNamespaceFor } from "../functions/core/metric-names.js";
import { Api } from "./api.js";
import { bindBucket, bindFunction, bindQueue, consumeQueue } from "./bind.js";
import { Monitoring } from "./monitoring.js";
import { ffmpegMemoryMb, jobSourceMb } from "./render-caps.js";
import { RenderWorker } from "./render-worker.js";
import { REPO_ROOT } from "./repo-root.js";
import { logRetentionFor } from "./service-function.js";
import type { Settings } from "./settings.js";
import { Storage } from "./storage.js";
import { MAX_RECEIVE_COUNT, WorkQueue } from "./work-queue.js";

export interface VideoCraftStackProps extends StackProps {
  readonly settings: Settings;
}

/** Marks a job failed; one status read and write. */
const DEAD_LETTER_TIMEOUT = Duration.minutes(1);
/** Dead letters are rare; two at a time drain a burst without competing with renders. */
const DEAD_LETTER_CONCURRENCY = 2;

/**
 * The whole service in one stack. Constructs own their resources; this class only composes them,
 * passes configuration in as environment variables and binds resources to functions (bind.ts), so
 * every permission is visible here.
 */
export class VideoCraftStack extends Stack {
  readonly storage: Storage;
  readonly renderQueue: WorkQueue;
  readonly assemblyQueue: WorkQueue;
  readonly api: Api;
  readonly renderWorker: RenderWorker;
  readonly monitoring: Monitoring;
  /** Where both functions' EMF metrics go; per stack, so two stacks in one region never mix. */
  readonly metricNamespace: string;

  constructor(scope: Construct, id: string, props: VideoCraftStackProps) {
    super(scope, id, props);
    const s = props.settings;
    const logRetention = logRetentionFor(s.logRetentionDays);
    const renderTimeout = Duration.seconds(s.renderTimeoutSeconds);
    this.metricNamespace = metricNamespaceFor(this.stackName);

    this.storage = new Storage(this, "Storage", {
      videoRetentionDays: s.retentionDays,
      corsOrigins: s.corsOrigins,
    });
    const workQueue = (queueId: string, fifo: boolean) =>
      new WorkQueue(this, queueId, {
        workerTimeout: renderTimeout,
        deadLetterWorkerTimeout: DEAD_LETTER_TIMEOUT,
        fifo,
      });
    this.renderQueue = workQueue("RenderQueue", false);
    // Fan-out: "assemble job X" requests, deduplicated per job (work-queue.ts).
    this.assemblyQueue = workQueue("AssemblyQueue", true);
    const { bucket } = this.storage;

    // Plain settings every function's `loadConfig` reads (functions/core/config.ts; a test runs
    // loadConfig on each function's environment). Resource names come with their grants below.
    const settings: Record<string, string> = {
      // API Gateway checks keys; local mode's own key check stays off.
      VIDEOCRAFT_AUTH: "gateway",
      VIDEOCRAFT_STORAGE_RETENTION_DAYS: String(s.retentionDays),
      VIDEOCRAFT_MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
      VIDEOCRAFT_TRANSCRIPTION_MODEL: s.whisperModel,
      VIDEOCRAFT_METRIC_NAMESPACE: this.metricNamespace,
      // The API refuses work a render invocation could not finish (check-render-time.ts).
      VIDEOCRAFT_RENDER_TIMEOUT: String(s.renderTimeoutSeconds),
      VIDEOCRAFT_RENDER_MEMORY_MB: String(s.renderMemoryMb),
      // Automatic chunk lengths keep a job's parts within what the render queue runs at once.
      VIDEOCRAFT_RENDER_MAX_CONCURRENCY: String(s.renderMaxConcurrency),
      VIDEOCRAFT_PRESIGN_EXPIRES: String(s.presignExpiresSeconds),
      // What one render invocation can hold (render-caps.ts): the API and the probe refuse the
      // same work at submit and in dry runs that the worker would refuse after probing.
      VIDEOCRAFT_FFMPEG_MAX_MEMORY: `${ffmpegMemoryMb(s.renderMemoryMb, s.whisperModel)}MB`,
      VIDEOCRAFT_MAX_JOB_SOURCE_BYTES: `${jobSourceMb(s.renderEphemeralStorageMb)}MB`,
      VIDEOCRAFT_VERSION: packageVersion(),
    };

    this.api = new Api(this, "Api", {
      environment: { ...settings, VIDEOCRAFT_CORS_ORIGIN: s.corsOrigins.join(",") },
      memoryMb: s.apiMemoryMb,
      rateLimit: s.apiRateLimit,
      burstLimit: s.apiBurstLimit,
      quotaPerDay: s.apiQuotaPerDay,
      corsOrigins: s.corsOrigins,
      logRetention,
      tracing: s.tracing,
    });

    this.renderWorker = new RenderWorker(this, "RenderWorker", {
      environment: {
        ...settings,
        // Each attempt also stops ffmpeg before the Lambda deadline (attempt-scope.ts); this caps one run.
        VIDEOCRAFT_FFMPEG_TIMEOUT: String(s.renderTimeoutSeconds),
        // Batch size 1: each invocation renders one job; Lambda scales out instead.
        VIDEOCRAFT_JOB_MAX_CONCURRENT: "1",
      },
      memoryMb: s.renderMemoryMb,
      timeout: renderTimeout,
      deadLetterTimeout: DEAD_LETTER_TIMEOUT,
      ephemeralStorageMb: s.renderEphemeralStorageMb,
      ...(s.renderReservedConcurrency > 0 ? { reservedConcurrency: s.renderReservedConcurrency } : {}),
      architecture: s.renderArchitecture,
      whisperModel: s.whisperModel,
      logRetention,
      tracing: s.tracing,
    });

    // The API stores requests, statuses, cancel markers and idempotency records (and deletes a
    // half-created job's), presigns video downloads, deletes videos, enqueues jobs and reads the
    // queue's depth for GET /v1/metrics. A dry run's sources are probed by the probe function,
    // which the API invokes (it carries no fetcher or ffprobe itself).
    // Uploads: it presigns PUTs and UploadParts (signed with this role, so the role needs
    // s3:PutObject on uploads/), starts and completes multipart uploads (PutObject too), reads the
    // finished object's size (HeadObject = GetObject) and deletes one that came out over the limit.
    // It never aborts a multipart upload (the lifecycle rule clears abandoned ones), so `put`, not `upload`.
    const api = this.api.handler;
    const probe = this.renderWorker.probeFunction;
    bindFunction(api, probe, "VIDEOCRAFT_PROBE_FUNCTION");
    // Stored templates: created, listed, read and deleted under templates/ (owner-scoped keys).
    bindBucket(api, bucket, {
      read: ["jobs", "videos", "uploads", "templates"],
      put: ["jobs", "uploads", "templates"],
      delete: ["jobs", "videos", "uploads", "templates"],
    });
    bindQueue(api, this.renderQueue.queue, "VIDEOCRAFT_QUEUE_URL", { send: true, depth: true });
    // Only to know that jobs fan out (their scenes are timed one by one); the API never calls it.
    bindQueue(api, this.assemblyQueue.queue, "VIDEOCRAFT_ASSEMBLY_QUEUE_URL", {});
    // GET /v1/metrics reads the EMF metrics back; GetMetricData has no resource-level permissions.
    api.addToRolePolicy(new iam.PolicyStatement({ actions: ["cloudwatch:GetMetricData"], resources: ["*"] }));
    Validations.of(api).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "cloudwatch:GetMetricData (GET /v1/metrics) supports no resource-level permissions and is read-only; so do the X-Ray trace uploads of active tracing.",
    });

    // The download function reads a job's status (and request, for the details it answers as
    // JSON) and streams or presigns its video; it writes nothing. Its configuration requires the
    // render queue's address, which it never calls.
    const download = this.api.downloadFunction;
    bindBucket(download, bucket, { read: ["jobs", "videos"] });
    bindQueue(download, this.renderQueue.queue, "VIDEOCRAFT_QUEUE_URL", {});

    // The render worker reads the request, uploaded sources (s3:// sources) and caches, writes
    // statuses, videos and caches, and presigns the finished video for the job's webhook (a
    // presigned URL only works if its signer may read the object). It consumes the render queue and,
    // with fan-out, sends segment tasks back to it; the last segment finisher asks the assembly
    // queue, which the same function consumes.
    const worker = this.renderWorker.function;
    bindBucket(worker, bucket, {
      read: ["jobs", "uploads", "cache", "videos"],
      put: ["jobs"],
      upload: ["jobs", "videos", "cache"],
    });
    bindQueue(worker, this.renderQueue.queue, "VIDEOCRAFT_QUEUE_URL", { send: true });
    bindQueue(worker, this.assemblyQueue.queue, "VIDEOCRAFT_ASSEMBLY_QUEUE_URL", { send: true });
    for (const queue of [this.renderQueue.queue, this.assemblyQueue.queue]) {
      consumeQueue(worker, queue, { maxConcurrency: s.renderMaxConcurrency, reportBatchItemFailures: true });
    }

    // The dead-letter handler reads and rewrites job statuses. It throws when a status write fails,
    // so the message returns to its DLQ and is retried until the DLQ's 14-day retention runs out.
    const deadLetter = this.renderWorker.deadLetterFunction;
    bindBucket(deadLetter, bucket, { read: ["jobs"], put: ["jobs"] });
    // Its configuration requires the render queue's address; it never calls the queue.
    bindQueue(deadLetter, this.renderQueue.queue, "VIDEOCRAFT_QUEUE_URL", {});
    for (const dlq of [this.renderQueue.deadLetterQueue, this.assemblyQueue.deadLetterQueue]) {
      consumeQueue(deadLetter, dlq, { maxConcurrency: DEAD_LETTER_CONCURRENCY });
    }

    // The probe function reads uploaded sources (`s3://` ones) and nothing else; https sources go
    // through its SSRF-safe fetcher. Its configuration requires the render queue's address.
    bindBucket(probe, bucket, { read: ["uploads"] });
    bindQueue(probe, this.renderQueue.queue, "VIDEOCRAFT_QUEUE_URL", {});

    for (const fn of [api, this.api.authorizerFunction, download, worker, deadLetter, probe]) {
      Validations.of(fn).acknowledge({
        id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
        reason:
          "AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs; it is the policy Lambda documents for that.",
      });
    }

    this.monitoring = new Monitoring(this, "Monitoring", {
      api: this.api.restApi,
      metricNamespace: this.metricNamespace,
      queues: { Render: this.renderQueue, Assembly: this.assemblyQueue },
      functions: {
        Api: api,
        Authorizer: this.api.authorizerFunction,
        Download: download,
        Render: worker,
        DeadLetter: deadLetter,
        Probe: probe,
      },
      renderFunction: worker,
      renderTimeoutSeconds: s.renderTimeoutSeconds,
      queueAgeAlarmSeconds: s.queueAgeAlarmSeconds,
      failureRateAlarmPercent: s.failureRateAlarmPercent,
      alarmEmail: s.alarmEmail,
    });

    new CfnOutput(this, "ApiUrl", {
      value: this.api.url,
      description: "Base URL of the API; routes live under v1/ (e.g. <ApiUrl>v1/health)",
    });
    new CfnOutput(this, "ApiKeyId", {
      value: this.api.apiKey.keyId,
      description: "Id of the default API key",
    });
    new CfnOutput(this, "ApiKeyValueCommand", {
      value: `aws apigateway get-api-key --api-key ${this.api.apiKey.keyId} --include-value --query value --output text --region ${this.region}`,
      description: "Prints the API key's value (API Gateway never puts it in stack outputs)",
    });
    new CfnOutput(this, "BucketName", {
      value: bucket.bucketName,
      description: "Jobs, videos, uploads, caches",
    });
    new CfnOutput(this, "DashboardUrl", {
      value: this.monitoring.dashboardUrl,
      description: "CloudWatch dashboard",
    });
  }
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version?: string };
  return pkg.version ?? "0.0.0";
}
