import { type Duration, IgnoreMode, RemovalPolicy, Size } from "aws-cdk-lib";
import { Platform } from "aws-cdk-lib/aws-ecr-assets";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { WhisperModelName } from "../functions/core/whisper-models.js";
import { REPO_ROOT } from "./repo-root.js";

export interface RenderWorkerProps {
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /** Fan-out: the FIFO assembly queue (consumed by the render function) and its dead-letter queue. */
  readonly assemblyQueue?: sqs.IQueue;
  readonly assemblyDeadLetterQueue?: sqs.IQueue;
  /** Settings the handlers read through `loadConfig`; the stack adds bucket and queues. */
  readonly environment: Record<string, string>;
  readonly memoryMb: number;
  readonly timeout: Duration;
  readonly deadLetterTimeout: Duration;
  readonly ephemeralStorageMb: number;
  /** 0 = no reservation. */
  readonly reservedConcurrency: number;
  readonly maxConcurrency: number;
  readonly architecture: "x86_64" | "arm64";
  /** Baked into the image (build arg `WHISPER_MODEL`). */
  readonly whisperModel: WhisperModelName;
  readonly logRetention: logs.RetentionDays;
}

/**
 * Docker ignore rules for the image's build context (the repository root): everything out except what
 * the Dockerfile copies. The asset hash is taken over what is left, so synth stays cheap (no
 * node_modules, .git, out/ or cdk.out/ walk) and editing docs or tests does not rebuild the image.
 */
export const RENDER_IMAGE_CONTEXT_EXCLUDES = [
  "*",
  "!package.json",
  "!package-lock.json",
  "!functions",
  "!layers/render-image",
  "!scripts/build-whisper.sh",
  "**/node_modules",
  "**/*.test.ts",
];

/** The handler module the Dockerfile bundles into the image's task root. */
const RENDER_HANDLER = "handler.handler";
const DEAD_LETTER_HANDLER = "handler.deadLetterHandler";

/**
 * The render worker (container image: ffmpeg, fonts, whisper.cpp) on the render queue, and the same
 * image with another handler on the dead-letter queue, which marks given-up jobs `failed`.
 */
export class RenderWorker extends Construct {
  readonly function: lambda.DockerImageFunction;
  readonly deadLetterFunction: lambda.DockerImageFunction;

  constructor(scope: Construct, id: string, props: RenderWorkerProps) {
    super(scope, id);
    const arm = props.architecture === "arm64";
    const image = (cmd: string) =>
      // Synth only fingerprints and stages the context; Docker runs at `cdk deploy` (or `cdk-assets`).
      lambda.DockerImageCode.fromImageAsset(REPO_ROOT, {
        file: "layers/render-image/Dockerfile",
        exclude: RENDER_IMAGE_CONTEXT_EXCLUDES,
        ignoreMode: IgnoreMode.DOCKER,
        platform: arm ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64,
        buildArgs: { WHISPER_MODEL: props.whisperModel },
        cmd: [cmd],
      });
    const architecture = arm ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64;

    this.function = new lambda.DockerImageFunction(this, "Function", {
      description: "VideoCraft render worker: one job per SQS message",
      code: image(RENDER_HANDLER),
      architecture,
      memorySize: props.memoryMb,
      timeout: props.timeout,
      ephemeralStorageSize: Size.mebibytes(props.ephemeralStorageMb),
      // Caps spend and keeps renders from starving the account's other functions.
      ...(props.reservedConcurrency > 0 ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      environment: props.environment,
      logGroup: new logs.LogGroup(this, "FunctionLogs", {
        retention: props.logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    // One message per invocation, render and assembly alike (assembly group = job, so jobs assemble in
    // parallel); failures are reported per item so SQS retries only that message.
    for (const queue of [props.queue, ...(props.assemblyQueue ? [props.assemblyQueue] : [])]) {
      this.function.addEventSource(
        new SqsEventSource(queue, {
          batchSize: 1,
          reportBatchItemFailures: true,
          maxConcurrency: props.maxConcurrency,
        }),
      );
    }

    this.deadLetterFunction = new lambda.DockerImageFunction(this, "DeadLetterFunction", {
      description: "VideoCraft: marks jobs whose render message was dead-lettered as failed",
      code: image(DEAD_LETTER_HANDLER),
      architecture,
      // Reads and writes one small status object per message.
      memorySize: 512,
      timeout: props.deadLetterTimeout,
      environment: props.environment,
      logGroup: new logs.LogGroup(this, "DeadLetterLogs", {
        retention: props.logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    this.deadLetterFunction.addEventSource(
      new SqsEventSource(props.deadLetterQueue, {
        // The handler throws when a status write fails, so the message returns to the DLQ and is
        // retried until its 14-day retention runs out; one per batch keeps a retry to that one job.
        batchSize: 1,
        maxConcurrency: 2,
      }),
    );
    if (props.assemblyDeadLetterQueue) {
      this.deadLetterFunction.addEventSource(
        new SqsEventSource(props.assemblyDeadLetterQueue, { batchSize: 1, maxConcurrency: 2 }),
      );
    }
  }
}
