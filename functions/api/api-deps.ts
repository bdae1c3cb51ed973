import type { Config } from "../core/config.js";
import type { Clock } from "../core/ports/clock.js";
import type { JobQueue } from "../core/ports/job-queue.js";
import type { Log } from "../core/ports/log.js";
import type { ObjectStore } from "../core/ports/object-store.js";

/** Everything the HTTP API needs from outside; the Lambda entry fills it with AWS adapters. */
export interface ApiDeps {
  config: Config;
  store: ObjectStore;
  queue: JobQueue;
  clock: Clock;
  log: Log;
}
