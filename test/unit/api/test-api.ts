import { buffer } from "node:stream/consumers";
import { createApiHandler } from "../../../functions/api/create-api-handler.js";
import { isStreamed } from "../../../functions/api/http-response.js";
import { loadConfig } from "../../../functions/core/config.js";
import type { JobRecord } from "../../../functions/core/jobs/job-record.js";
import { JobStore } from "../../../functions/core/jobs/job-store.js";
import type { Clock } from "../../../functions/core/ports/clock.js";
import { InMemoryObjectStore } from "../../../functions/core/ports/in-memory-object-store.js";
import { InProcessMetrics } from "../../../functions/core/ports/in-process-metrics.js";
import type { JobQueue, RenderMessage } from "../../../functions/core/ports/job-queue.js";
import type { Log } from "../../../functions/core/ports/log.js";
import type { ObjectStore } from "../../../functions/core/ports/object-store.js";
import type { QueueDepth } from "../../../functions/core/ports/queue-depth.js";
import { sourceHeadProber } from "../../../functions/render/pipeline/probe-source-head.js";
import { apiDeps } from "../../../functions/wiring.js";
import { type ApiEventInit, apiEvent, lambdaContext } from "../../support/api-event.js";

export const API_KEY = "k".repeat(20);
export const NOW = new Date("2025-03-04T05:06:07.000Z");

export class MemoryQueue implements JobQueue, QueueDepth {
  readonly messages: RenderMessage[] = [];
  async send(message: RenderMessage) {
    this.messages.push(message);
  }
  async waitingMessages() {
    return this.messages.length;
  }
}

export class MemoryLog implements Log {
  readonly lines: { level: string; message: string; extra?: unknown }[] = [];
  debug = (message: string, extra?: unknown) => void this.lines.push({ level: "debug", message, extra });
  info = (message: string, extra?: unknown) => void this.lines.push({ level: "info", message, extra });
  warn = (message: string, extra?: unknown) => void this.lines.push({ level: "warn", message, extra });
  error = (message: string, extra?: unknown) => void this.lines.push({ level: "error", message, extra });
}

export interface TestResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  json: any;
}

export const minimalProject = (seconds = 2) => ({
  scenes: [{ duration: seconds, elements: [{ type: "image", src: "https://example.com/a.png" }] }],
});

/**
 * An API handler over in-memory ports with a fixed clock, probing dry-run sources as local mode
 * does; `call` adds the API key unless told not to.
 */
export function createTestApi(
  options: {
    store?: ObjectStore;
    env?: Record<string, string>;
    clock?: Clock;
    downloads?: "stream" | "redirect";
    maxStreamedBytes?: number;
  } = {},
) {
  const config = loadConfig({
    VIDEOCRAFT_BUCKET: "videocraft-test",
    VIDEOCRAFT_QUEUE_URL: "http://127.0.0.1:1/q",
    VIDEOCRAFT_API_KEY: API_KEY,
    ...options.env,
  });
  const memory = new InMemoryObjectStore();
  const store = options.store ?? memory;
  const queue = new MemoryQueue();
  const log = new MemoryLog();
  const clock = options.clock ?? { now: () => NOW };
  const metrics = new InProcessMetrics(clock);
  const handler = createApiHandler(
    apiDeps(
      config,
      { store, renderQueue: queue, renderQueueDepth: queue },
      {
        clock,
        log,
        metrics,
        metricsReader: metrics,
        probeSources: sourceHeadProber({ config, store }),
        ...(options.downloads ? { downloads: options.downloads } : {}),
        ...(options.maxStreamedBytes !== undefined ? { maxStreamedBytes: options.maxStreamedBytes } : {}),
      },
    ),
  );

  async function call(init: ApiEventInit & { auth?: false }): Promise<TestResponse> {
    const headers = init.auth === false ? (init.headers ?? {}) : { "x-api-key": API_KEY, ...init.headers };
    const res = await handler(apiEvent({ ...init, headers }), lambdaContext);
    // A streamed body (a download) is read out, as the HTTP server would send it.
    const text = isStreamed(res) ? (await buffer(res.stream)).toString("latin1") : (res.body ?? "");
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: (res.headers ?? {}) as Record<string, string>, text, json };
  }

  /** Rewrites a job's status document, as the render worker would. */
  async function setStatus(id: string, patch: Partial<JobRecord>) {
    const jobs = new JobStore(store);
    const record = await jobs.getStatus(id);
    if (!record) throw new Error(`no job ${id}`);
    await jobs.putStatus({ ...record, ...patch });
  }

  async function createJob(body: unknown = minimalProject()): Promise<string> {
    const res = await call({ method: "POST", path: "/v1/videos", body });
    if (res.status !== 202) throw new Error(`create failed: ${res.status} ${res.text}`);
    return res.json.id;
  }

  return { config, store, memory, queue, log, clock, metrics, handler, call, setStatus, createJob };
}
