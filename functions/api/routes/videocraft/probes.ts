import { z } from "zod";
import { dateTimeField } from "../../../core/schema/response-formats.js";
import type { ApiDeps } from "../../api-deps.js";
import { json } from "../../http-response.js";
import { defineVideoCraftRoute } from "../../videocraft/define-videocraft-route.js";

/** When this process started, for `uptime` as VideoCraft reports it. */
const STARTED_AT = Date.now();

/** `1h2m3.5s`, the way Go prints a duration (VideoCraft's `uptime`). */
export function goDuration(ms: number): string {
  const total = Math.max(0, ms) / 1000;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = Number((total % 60).toFixed(3));
  return `${h > 0 ? `${h}h` : ""}${h > 0 || m > 0 ? `${m}m` : ""}${s}s`;
}

const mb = (bytes: number) => Math.floor(bytes / 1024 / 1024);

type Check = "ok" | "failing";

/** Storage and queue each answer a cheap call (a HEAD, a queue attribute read). */
async function checks(deps: ApiDeps): Promise<{ storage: Check; queue: Check }> {
  const [storage, queue] = await Promise.all([
    deps.store.exists("health/probe").then(
      () => "ok" as const,
      () => "failing" as const,
    ),
    deps.queueDepth.waitingMessages().then(
      () => "ok" as const,
      () => "failing" as const,
    ),
  ]);
  return { storage, queue };
}

export const videoCraftHealthSchema = z
  .object({
    status: z.literal("healthy"),
    timestamp: dateTimeField(),
    time: dateTimeField().meta({ description: "the same as timestamp (VideoCraft's docs call it time)" }),
    version: z.string(),
  })
  .meta({ id: "VideoCraftHealth" });

/** No key, no storage call: the load balancer's check. */
export const videoCraftHealthRoute = defineVideoCraftRoute({
  method: "GET",
  path: "/health",
  aliases: ["/api/v1/health"],
  public: true,
  doc: {
    summary: "Liveness as VideoCraft answers it (no key)",
    responses: { 200: { description: "healthy", body: videoCraftHealthSchema } },
  },
  handle: async (_req, deps) => {
    const now = deps.clock.now().toISOString();
    return json(200, { status: "healthy", timestamp: now, time: now, version: deps.config.version });
  },
});

export const videoCraftDetailedHealthSchema = z
  .object({
    status: z.enum(["healthy", "unhealthy"]),
    timestamp: dateTimeField(),
    version: z.string(),
    uptime: z.string().meta({ examples: ["2h30m45.5s"] }),
    system: z.object({
      node_version: z.string(),
      memory: z.object({
        alloc_mb: z.number().int(),
        total_alloc_mb: z.number().int(),
        sys_mb: z.number().int(),
      }),
    }),
    services: z.object({ storage: z.string(), queue: z.string() }),
  })
  .meta({ id: "VideoCraftDetailedHealth" });

/** Unlike VideoCraft's (hard-coded "healthy"), storage and queue are really asked: 503 when one fails. */
export const videoCraftDetailedHealthRoute = defineVideoCraftRoute({
  method: "GET",
  path: "/health/detailed",
  aliases: ["/api/v1/health/detailed"],
  public: true,
  doc: {
    summary: "Health with uptime, memory and the storage and queue checks (VideoCraft; no key)",
    responses: {
      200: { description: "healthy", body: videoCraftDetailedHealthSchema },
      503: {
        description: "storage or the queue failing (status unhealthy)",
        body: videoCraftDetailedHealthSchema,
      },
    },
  },
  handle: async (_req, deps) => {
    const c = await checks(deps);
    const healthy = c.storage === "ok" && c.queue === "ok";
    const memory = process.memoryUsage();
    return json(healthy ? 200 : 503, {
      status: healthy ? "healthy" : "unhealthy",
      timestamp: deps.clock.now().toISOString(),
      version: deps.config.version,
      uptime: goDuration(Date.now() - STARTED_AT),
      system: {
        node_version: process.version,
        memory: {
          alloc_mb: mb(memory.heapUsed),
          total_alloc_mb: mb(memory.heapTotal),
          sys_mb: mb(memory.rss),
        },
      },
      services: {
        storage: c.storage === "ok" ? "healthy" : "unhealthy",
        queue: c.queue === "ok" ? "healthy" : "unhealthy",
      },
    } satisfies z.infer<typeof videoCraftDetailedHealthSchema>);
  },
});

export const videoCraftReadySchema = z
  .object({
    ready: z.boolean(),
    status: z.enum(["ok", "unavailable"]),
    checks: z.object({ storage: z.enum(["ok", "failing"]), queue: z.enum(["ok", "failing"]) }),
    timestamp: dateTimeField(),
  })
  .meta({ id: "VideoCraftReady" });

export const videoCraftReadyRoute = defineVideoCraftRoute({
  method: "GET",
  path: "/ready",
  public: true,
  doc: {
    summary: "Readiness probe: storage and queue reachable (VideoCraft; no key)",
    responses: {
      200: { description: "ready", body: videoCraftReadySchema },
      503: { description: "not ready: storage or the queue does not answer", body: videoCraftReadySchema },
    },
  },
  handle: async (_req, deps) => {
    const c = await checks(deps);
    const ready = c.storage === "ok" && c.queue === "ok";
    return json(ready ? 200 : 503, {
      ready,
      status: ready ? "ok" : "unavailable",
      checks: c,
      timestamp: deps.clock.now().toISOString(),
    } satisfies z.infer<typeof videoCraftReadySchema>);
  },
});

export const videoCraftLiveSchema = z
  .object({ alive: z.literal(true), status: z.literal("ok"), timestamp: dateTimeField() })
  .meta({ id: "VideoCraftLive" });

export const videoCraftLiveRoute = defineVideoCraftRoute({
  method: "GET",
  path: "/live",
  public: true,
  doc: {
    summary: "Liveness probe (VideoCraft; no key)",
    responses: { 200: { description: "alive", body: videoCraftLiveSchema } },
  },
  handle: async (_req, deps) =>
    json(200, { alive: true, status: "ok", timestamp: deps.clock.now().toISOString() }),
});
