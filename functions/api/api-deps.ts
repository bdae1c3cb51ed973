import type { Config } from "../core/config.js";
import type { Clock } from "../core/ports/clock.js";
import type { JobQueue } from "../core/ports/job-queue.js";
import type { Log } from "../core/ports/log.js";
import type { Metrics } from "../core/ports/metrics.js";
import type { MetricsReader } from "../core/ports/metrics-reader.js";
import type { ObjectStore } from "../core/ports/object-store.js";
import type { QueueDepth } from "../core/ports/queue-depth.js";
import type { ProbeSources } from "../core/ports/source-prober.js";

/** Everything the HTTP API needs from outside; functions/wiring.ts fills it for Lambda, local mode and tests. */
export interface ApiDeps {
  config: Config;
  store: ObjectStore;
  queue: JobQueue;
  clock: Clock;
  log: Log;
  /** RequestDuration per request (EMF on AWS). */
  metrics: Metrics;
  /** What `GET /v1/metrics` reports: CloudWatch on AWS, the in-process figures locally. */
  metricsReader: MetricsReader;
  queueDepth: QueueDepth;
  /** How `?dry_run=true` probes sources. */
  probeSources: ProbeSources;
  /**
   * How VideoCraft's download routes answer. `stream`: 200 with the MP4 bytes, for an HTTP server
   * that pipes a StreamedResult (local mode's, and the download function's on AWS). `redirect`: 302
   * to a presigned URL, for API Gateway's buffered Lambda integration, which caps a response at
   * 6 MB (docs/deploy.md).
   */
  downloads: "stream" | "redirect";
  /**
   * With `stream`: the largest video answered with its bytes; a larger one gets the 302. Lambda
   * streams at most 200 MB per response. @default no limit
   */
  maxStreamedBytes?: number;
}
