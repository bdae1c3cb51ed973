import { Duration, IgnoreMode } from "aws-cdk-lib";
import { Platform } from "aws-cdk-lib/aws-ecr-assets";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import type { WhisperModelName } from "../functions/core/whisper-models.js";
import { REPO_ROOT } from "./repo-root.js";
import { ServiceFunction } from "./service-function.js";

export interface RenderWorkerProps {
  /** Plain settings the handlers read through `loadConfig`; the stack binds bucket and queues. */
  readonly environment: Record<string, string>;
  readonly memoryMb: number;
  readonly timeout: Duration;
  readonly deadLetterTimeout: Duration;
  readonly ephemeralStorageMb: number;
  /** Unset: no reservation. */
  readonly reservedConcurrency?: number;
  readonly architecture: "x86_64" | "arm64";
  /** Baked into the image (build arg `WHISPER_MODEL`). */
  readonly whisperModel: WhisperModelName;
  readonly logRetention: logs.RetentionDays;
  readonly tracing: boolean;
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
export const RENDER_HANDLER = "handler.handler";
export const DEAD_LETTER_HANDLER = "handler.deadLetterHandler";
export const PROBE_HANDLER = "handler.probeHandler";

/**
 * The probe function answers a dry run the API is waiting for (its invocation gives up after
 * 20 s, the API function after 25 s): heads of at most 1 MiB, eight at a time, and ffprobe on
 * each, for which 1024 MB (more than half a vCPU) is plenty.
 */
const PROBE_MEMORY_MB = 1024;
const PROBE_TIMEOUT = Duration.seconds(25);

/**
 * The render worker (container image: ffmpeg, fonts, whisper.cpp), and the same image with other
 * handlers: for the dead-letter queues, which marks given-up jobs `failed`, and for the API's dry
 * runs, which probes their sources. The stack binds their queues and bucket (bind.ts).
 */
export class RenderWorker extends Construct {
  readonly function: lambda.Function;
  readonly deadLetterFunction: lambda.Function;
  readonly probeFunction: lambda.Function;

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
    const common = {
      architecture: arm ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
      environment: props.environment,
      logRetention: props.logRetention,
      tracing: props.tracing,
    };

    this.function = new ServiceFunction(this, "Render", {
      ...common,
      description: "VideoCraft render worker: one job per SQS message",
      code: { kind: "image", code: image(RENDER_HANDLER) },
      memoryMb: props.memoryMb,
      timeout: props.timeout,
      ephemeralStorageMb: props.ephemeralStorageMb,
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrency: props.reservedConcurrency } : {}),
    }).function;

    this.deadLetterFunction = new ServiceFunction(this, "DeadLetter", {
      ...common,
      description: "VideoCraft: marks jobs whose render message was dead-lettered as failed",
      code: { kind: "image", code: image(DEAD_LETTER_HANDLER) },
      // Reads and writes one small status object per message.
      memoryMb: 512,
      timeout: props.deadLetterTimeout,
    }).function;

    this.probeFunction = new ServiceFunction(this, "Probe", {
      ...common,
      description: "VideoCraft: probes a dry run's sources (fetcher and ffprobe of the render image)",
      code: { kind: "image", code: image(PROBE_HANDLER) },
      memoryMb: PROBE_MEMORY_MB,
      timeout: PROBE_TIMEOUT,
    }).function;
  }
}
