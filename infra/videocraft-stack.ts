import { readFileSync } from "node:fs";
import path from "node:path";
import { CfnOutput, Duration, Stack, type StackProps, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import { Api } from "./api.js";
import { Monitoring } from "./monitoring.js";
import { AssemblyQueue, MAX_RECEIVE_COUNT, RenderQueue } from "./render-queue.js";
import { RenderWorker } from "./render-worker.js";
import { REPO_ROOT } from "./repo-root.js";
import type { Settings } from "./settings.js";
import { Storage } from "./storage.js";

export interface VideoCraftStackProps extends StackProps {
  readonly settings: Settings;
}

/** Marks a job failed; one status read and write. */
const DEAD_LETTER_TIMEOUT = Duration.minutes(1);

/**
 * The whole service in one stack. Constructs own their resources; this class only composes them,
 * passes configuration in as environment variables and wires IAM, so every permission is visible here.
 */
export class VideoCraftStack extends Stack {
  readonly storage: Storage;
  readonly renderQueue: RenderQueue;
  readonly assemblyQueue: AssemblyQueue;
  readonly api: Api;
  readonly renderWorker: RenderWorker;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: VideoCraftStackProps) {
    super(scope, id, props);
    const s = props.settings;
    const logRetention = logRetentionFor(s.logRetentionDays);
    const renderTimeout = Duration.seconds(s.renderTimeoutSeconds);

    this.storage = new Storage(this, "Storage", {
      videoRetentionDays: s.retentionDays,
      corsOrigins: s.corsOrigins,
    });
    this.renderQueue = new RenderQueue(this, "RenderQueue", {
      workerTimeout: renderTimeout,
      deadLetterWorkerTimeout: DEAD_LETTER_TIMEOUT,
    });
    this.assemblyQueue = new AssemblyQueue(this, "AssemblyQueue", {
      workerTimeout: renderTimeout,
      deadLetterWorkerTimeout: DEAD_LETTER_TIMEOUT,
    });
    const { bucket } = this.storage;
    const { queue, deadLetterQueue } = this.renderQueue;

    // What both functions' `loadConfig` reads (functions/core/config.ts); a test runs loadConfig on it.
    const shared: Record<string, string> = {
      VIDEOCRAFT_BUCKET: bucket.bucketName,
      VIDEOCRAFT_QUEUE_URL: queue.queueUrl,
      VIDEOCRAFT_DLQ_URL: deadLetterQueue.queueUrl,
      // API Gateway checks keys; local mode's own key check stays off.
      VIDEOCRAFT_AUTH: "gateway",
      VIDEOCRAFT_STORAGE_RETENTION_DAYS: String(s.retentionDays),
      VIDEOCRAFT_MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
      VIDEOCRAFT_TRANSCRIPTION_MODEL: s.whisperModel,
      VIDEOCRAFT_VERSION: packageVersion(),
    };

    this.api = new Api(this, "Api", {
      environment: { ...shared, VIDEOCRAFT_CORS_ORIGIN: s.corsOrigins.join(",") },
      memoryMb: s.apiMemoryMb,
      rateLimit: s.apiRateLimit,
      burstLimit: s.apiBurstLimit,
      quotaPerDay: s.apiQuotaPerDay,
      corsOrigins: s.corsOrigins,
      logRetention,
    });

    this.renderWorker = new RenderWorker(this, "RenderWorker", {
      queue,
      deadLetterQueue,
      assemblyQueue: this.assemblyQueue.queue,
      assemblyDeadLetterQueue: this.assemblyQueue.deadLetterQueue,
      environment: {
        ...shared,
        // Fan-out across invocations (issue 6): segment tasks on the render queue, assembly via FIFO.
        VIDEOCRAFT_ASSEMBLY_QUEUE_URL: this.assemblyQueue.queue.queueUrl,
        // render-job also stops at the Lambda deadline; this caps a single ffmpeg run.
        VIDEOCRAFT_FFMPEG_TIMEOUT: String(s.renderTimeoutSeconds),
        // Batch size 1: each invocation renders one job; Lambda scales out instead.
        VIDEOCRAFT_JOB_MAX_CONCURRENT: "1",
      },
      memoryMb: s.renderMemoryMb,
      timeout: renderTimeout,
      deadLetterTimeout: DEAD_LETTER_TIMEOUT,
      ephemeralStorageMb: s.renderEphemeralStorageMb,
      reservedConcurrency: s.renderReservedConcurrency,
      maxConcurrency: s.renderMaxConcurrency,
      architecture: s.renderArchitecture,
      whisperModel: s.whisperModel,
      logRetention,
    });

    // IAM, least privilege by prefix (storage-keys.ts). The API stores requests, statuses and cancel
    // markers, rolls back a half-created job, presigns video downloads, deletes videos. Uploads: it
    // presigns PUTs and UploadParts (signed with this role, so the role needs s3:PutObject on
    // uploads/), starts and completes multipart uploads (PutObject too), reads the finished object's
    // size (HeadObject = GetObject) and deletes one that came out over the size limit.
    const api = this.api.handler;
    grantPrefixes(api, bucket, {
      read: ["jobs", "videos", "uploads"],
      put: ["jobs", "uploads"],
      delete: ["jobs", "videos", "uploads"],
    });
    queue.grantSendMessages(api);
    // GET /v1/metrics reports the render queue's depth (ApproximateNumberOfMessages). The send grant
    // includes this action today; stated here because the API depends on it.
    queue.grant(api, "sqs:GetQueueAttributes");
    // GET /v1/metrics reads the EMF metrics back; GetMetricData has no resource-level permissions.
    api.addToRolePolicy(new iam.PolicyStatement({ actions: ["cloudwatch:GetMetricData"], resources: ["*"] }));
    Validations.of(api).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "cloudwatch:GetMetricData (GET /v1/metrics) supports no resource-level permissions; it is read-only.",
    });

    // The render worker reads the request, uploaded sources and caches, and writes statuses, videos and
    // caches. Consuming its queue is granted by the event source.
    const worker = this.renderWorker.function;
    grantPrefixes(worker, bucket, { read: ["jobs", "uploads", "cache"], put: ["jobs", "videos", "cache"] });
    // Fan-out: the coordinator enqueues segment tasks, the last finisher requests assembly.
    queue.grantSendMessages(worker);
    this.assemblyQueue.queue.grantSendMessages(worker);

    // The dead-letter consumer reads and rewrites job statuses.
    const deadLetter = this.renderWorker.deadLetterFunction;
    grantPrefixes(deadLetter, bucket, { read: ["jobs"], put: ["jobs"] });

    for (const fn of [api, this.api.authorizerFunction, worker, deadLetter]) {
      Validations.of(fn).acknowledge({
        id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
        reason:
          "AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs; it is the policy Lambda documents for that.",
      });
    }

    this.monitoring = new Monitoring(this, "Monitoring", {
      api: this.api.restApi,
      queue,
      deadLetterQueue,
      functions: {
        Api: api,
        Authorizer: this.api.authorizerFunction,
        Render: worker,
        DeadLetter: deadLetter,
      },
      renderFunction: worker,
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

type Prefix = "jobs" | "videos" | "uploads" | "cache";

/**
 * Grants object access under whole prefixes only, and acknowledges exactly the cdk-nag wildcard
 * findings those grants produce, so any other wildcard still fails synth.
 */
function grantPrefixes(
  fn: lambda.IFunction,
  bucket: s3.Bucket,
  access: { read?: Prefix[]; put?: Prefix[]; delete?: Prefix[] },
) {
  const stack = Stack.of(bucket);
  const bucketId = stack.resolve(stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)) as string;
  const acks = new Map<string, string>();
  const actions = (ids: string[], reason: string) => {
    for (const id of ids) acks.set(`AwsSolutions-IAM5[Action::${id}]`, reason);
  };
  for (const prefix of access.read ?? []) bucket.grantRead(fn, `${prefix}/*`);
  for (const prefix of access.put ?? []) bucket.grantPut(fn, `${prefix}/*`);
  for (const prefix of access.delete ?? []) bucket.grantDelete(fn, `${prefix}/*`);
  for (const prefix of new Set([...(access.read ?? []), ...(access.put ?? []), ...(access.delete ?? [])])) {
    acks.set(
      `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}/*]`,
      `Objects under ${prefix}/ are named by job id or content hash, known only at run time; the grant covers this one prefix of the stack's own bucket.`,
    );
  }
  if (access.read?.length) {
    actions(
      ["s3:GetObject*", "s3:GetBucket*", "s3:List*"],
      "CDK's read grant: read-only object and bucket actions (GetObject for downloads and presigned GETs, ListBucket for job listing), on this bucket only.",
    );
  }
  if (access.put?.length) {
    actions(
      ["s3:Abort*"],
      "s3:AbortMultipartUpload, which @aws-sdk/lib-storage calls to clean up a failed multipart upload, scoped to the granted prefixes.",
    );
  }
  if (access.delete?.length) {
    actions(
      ["s3:DeleteObject*"],
      "DeleteObject (and DeleteObjectVersion, inert on this unversioned bucket) on the granted prefixes only.",
    );
  }
  Validations.of(fn).acknowledge(...[...acks].map(([id, reason]) => ({ id, reason })));
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version?: string };
  return pkg.version ?? "0.0.0";
}

/** CloudWatch only accepts certain retention lengths; pick the shortest one that keeps logs long enough. */
function logRetentionFor(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays)
    .filter((v): v is logs.RetentionDays => typeof v === "number" && v > 0)
    .sort((a, b) => a - b);
  return allowed.find((d) => d >= days) ?? logs.RetentionDays.INFINITE;
}
