import type { Config } from "../core/config.js";
import type { JobStep } from "../core/jobs/job-record.js";
import type { JobStore } from "../core/jobs/job-store.js";
import type { Clock } from "../core/ports/clock.js";
import type { JobQueue } from "../core/ports/job-queue.js";
import type { Log } from "../core/ports/log.js";
import type { ObjectStore } from "../core/ports/object-store.js";
import type { Resolver } from "./pipeline/safe-fetch.js";
import type { WhisperPaths } from "./speech/whisper-paths.js";
import type { WebhookTuning } from "./webhook/send-job-webhook.js";

/** What every render routine runs on; functions/wiring.ts builds it. */
export interface RenderDeps {
  config: Config;
  store: ObjectStore;
  jobs: JobStore;
  clock: Clock;
  log: Log;
  /** whisper.cpp binary and model, resolved once at start-up (only used when a caption needs speech recognition). */
  whisper: WhisperPaths;
  /**
   * Test seam for crash tests: called before each step; throwing there behaves like a worker
   * dying mid-job (the message is retried by the queue). Never set in production wiring.
   */
  faults?: {
    beforeStep(step: JobStep, jobId: string, attempt: number, part?: RenderPart): void | Promise<void>;
  };
  /**
   * Where a fanned-out job's parts are enqueued: segment tasks on the render queue, the one
   * assembly request on the FIFO assembly queue. Fan-out also needs VIDEOCRAFT_ASSEMBLY_QUEUE_URL.
   */
  queues?: { render: JobQueue; assembly: JobQueue };
  /** DNS override for source fetches (tests: rebinding); production uses the system resolver. */
  resolver?: Resolver;
  /** Webhook retry/network overrides (tests); production uses the defaults. */
  webhook?: WebhookTuning;
}

/**
 * Which part of a fanned-out job a message asks for; none = the whole job (or its coordination).
 * `segment` is the index of a part in the job's fan-out plan: a whole scene, or a frame-range
 * chunk of a long one.
 */
export interface RenderPart {
  segment?: number;
  assemble?: true;
}

export interface RenderAttempt extends RenderPart {
  jobId: string;
  /** SQS ApproximateReceiveCount of this delivery. */
  receiveCount: number;
  /** Milliseconds left before the platform kills this invocation (Lambda); ffmpeg stops before. */
  remainingMs?: number;
}
