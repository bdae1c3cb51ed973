import type { Config } from "../config.js";
import type { Clock } from "../ports/clock.js";
import type { JobQueue } from "../ports/job-queue.js";
import type { ObjectStore } from "../ports/object-store.js";

/** The ports the API-side job services work over; the AWS adapters or in-memory fakes fill them. */
export interface JobDeps {
  config: Config;
  store: ObjectStore;
  queue: JobQueue;
  clock: Clock;
}
