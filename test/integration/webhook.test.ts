import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../functions/core/config.js";
import type { JobRecord, JobStep } from "../../functions/core/jobs/job-record.js";
import { JobStore } from "../../functions/core/jobs/job-store.js";
import {
  buildWebhookBody,
  signWebhookBody,
  verifyWebhookSignature,
  WEBHOOK_HEADERS,
} from "../../functions/core/jobs/webhook-payload.js";
import { systemClock } from "../../functions/core/ports/clock.js";
import { InMemoryObjectStore } from "../../functions/core/ports/in-memory-object-store.js";
import { silentLog } from "../../functions/core/ports/log.js";
import { createDeadLetterHandler } from "../../functions/render/create-dead-letter-handler.js";
import { backoffDelayMs, deliverWebhook } from "../../functions/render/webhook/deliver-webhook.js";
import { ApiClient, type JobView } from "../../local/api-client.js";
import { generateImage } from "../../local/generate-media.js";
import { type LocalService, startLocalService } from "../../local/local-service.js";
import { captureLog } from "../support/capture-log.js";
import { closeServer } from "../support/close-server.js";
import { until } from "../support/until.js";

/** A webhook receiver on 127.0.0.1 that records every request and answers from a script per path. */
interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
}
let receiver: http.Server;
let receiverUrl: string;
const received: Received[] = [];
const scripts = new Map<string, number[]>();

const SECRET = "whsec-test-0123456789abcdef";
const log = captureLog();

/** Jobs whose request comment names a hold stop before `step` until `until` resolves. */
interface Hold {
  step: JobStep;
  reached(jobId: string): void;
  until(jobId: string): Promise<unknown>;
}
const holds = new Map<string, Hold>();

/** Registers a hold; `reached` resolves with the held job's id once the worker is waiting in it. */
function hold(comment: string, step: JobStep, until: Hold["until"]): { reached: Promise<string> } {
  let reached: (id: string) => void = () => {};
  const promise = new Promise<string>((r) => {
    reached = r;
  });
  holds.set(comment, { step, reached, until });
  return { reached: promise };
}

const logged = (message: string, jobId: string) =>
  log.lines.some((l) => l.message === message && l.text.includes(jobId));
let dir: string;
let service: LocalService;
let client: ApiClient;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({ path, headers: req.headers, raw: Buffer.concat(chunks) });
      if (path.startsWith("/hang")) return; // never answers
      const script = scripts.get(path.split("?")[0] ?? "") ?? [];
      const status = script.shift() ?? 200;
      // A 3xx points at a path this receiver would accept: following it would deliver.
      const location = status >= 300 && status < 400 ? { location: `${receiverUrl}/moved-here` } : {};
      res.writeHead(status, { "content-type": "text/plain", ...location }).end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  dir = await mkdtemp(join(tmpdir(), "vc-webhook-"));
  await generateImage(join(dir, "dot.png"), { width: 16, height: 16, color: "#00ff00" });
  await writeFile(join(dir, "not-media.png"), "plain text, not an image\n".repeat(10));
  service = await startLocalService({
    env: {
      VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir,
      VIDEOCRAFT_FFMPEG_PRESET: "ultrafast",
      VIDEOCRAFT_ALLOW_PRIVATE_SOURCES: "true",
    },
    // One worker loop, so a held job keeps the next one queued.
    workers: 1,
    log,
    webhook: { baseDelayMs: 20, maxDelayMs: 100 },
    faults: {
      async beforeStep(step, jobId) {
        const comment = (await service.jobs.getRequest(jobId))?.comment;
        const hold = comment ? holds.get(comment) : undefined;
        if (hold && step === hold.step) {
          hold.reached(jobId);
          await hold.until(jobId);
        }
      },
    },
  });
  client = new ApiClient(service.url, service.apiKey);
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await closeServer(receiver);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const tiny = (webhook: { url: string; secret?: string }, src = "dot.png", comment?: string) => ({
  ...(comment ? { comment } : {}),
  width: 64,
  height: 64,
  fps: 10,
  quality: "draft",
  webhook,
  scenes: [{ duration: 0.2, elements: [{ type: "image", src: `file://${join(dir, src)}` }] }],
});

/** Waits for the job to end and for its webhook outcome to be recorded. */
async function finished(id: string): Promise<JobView> {
  await client.waitForJob(id, { timeoutMs: 60_000, intervalMs: 100 });
  return until(
    async () => {
      const job = await client.getJob(id);
      return job.webhook ? job : undefined;
    },
    { what: `the webhook outcome of ${id}` },
  );
}

describe("webhooks from the local service", () => {
  it("POSTs the completed job, signed with the job's secret", async () => {
    const { id } = await client.submit(tiny({ url: `${receiverUrl}/done?token=abc`, secret: SECRET }));
    const job = await finished(id);
    expect(job.status).toBe("completed");
    expect(job.webhook).toEqual({ delivered: true, attempts: 1, last_status: 200 });

    const hits = received.filter((r) => r.path === "/done?token=abc");
    expect(hits).toHaveLength(1);
    const hit = hits[0] as Received;
    const signature = hit.headers[WEBHOOK_HEADERS.signature] as string;
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(hit.raw, signature, SECRET)).toBe(true);
    expect(verifyWebhookSignature(hit.raw, signature, `${SECRET}x`)).toBe(false);
    expect(verifyWebhookSignature(Buffer.concat([hit.raw, Buffer.from(" ")]), signature, SECRET)).toBe(false);

    expect(hit.headers["content-type"]).toBe("application/json");
    expect(hit.headers[WEBHOOK_HEADERS.event]).toBe("job.completed");
    expect(hit.headers[WEBHOOK_HEADERS.delivery]).toMatch(/^[0-9a-f-]{36}$/);
    expect(hit.headers[WEBHOOK_HEADERS.attempt]).toBe("1");
    const ts = Number(hit.headers[WEBHOOK_HEADERS.timestamp]);
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(120);

    const body = JSON.parse(hit.raw.toString("utf8"));
    expect(Object.keys(body).sort()).toEqual(["expires_at", "id", "status", "video_url"]);
    expect(body).toMatchObject({ id, status: "completed" });
    const video = await fetch(body.video_url);
    expect(video.status).toBe(200);
    expect((await video.arrayBuffer()).byteLength).toBeGreaterThan(100);
  });

  it("retries a receiver answering 500 twice and records delivery on the 3rd attempt", async () => {
    scripts.set("/flaky", [500, 500, 200]);
    const { id } = await client.submit(tiny({ url: `${receiverUrl}/flaky`, secret: SECRET }));
    const job = await finished(id);
    expect(job.webhook).toEqual({ delivered: true, attempts: 3, last_status: 200 });
    const hits = received.filter((r) => r.path === "/flaky");
    expect(hits.map((h) => h.headers[WEBHOOK_HEADERS.attempt])).toEqual(["1", "2", "3"]);
    // One delivery: the same id, body and signature on every attempt.
    expect(new Set(hits.map((h) => h.headers[WEBHOOK_HEADERS.delivery])).size).toBe(1);
    expect(new Set(hits.map((h) => h.raw.toString("hex"))).size).toBe(1);
    for (const h of hits)
      expect(verifyWebhookSignature(h.raw, h.headers[WEBHOOK_HEADERS.signature] as string, SECRET)).toBe(
        true,
      );
  });

  it("carries the error code of a failed job, unsigned when no secret was given", async () => {
    const { id } = await client.submit(tiny({ url: `${receiverUrl}/failed` }, "not-media.png"));
    const job = await finished(id);
    expect(job.status).toBe("failed");
    expect(job.webhook?.delivered).toBe(true);
    const hit = received.find((r) => r.path === "/failed") as Received;
    expect(hit.headers[WEBHOOK_HEADERS.signature]).toBeUndefined();
    expect(hit.headers[WEBHOOK_HEADERS.event]).toBe("job.failed");
    const body = JSON.parse(hit.raw.toString("utf8"));
    expect(body).toEqual({
      id,
      status: "failed",
      error: { code: "SOURCE_INVALID_MEDIA", message: expect.any(String) },
    });
    expect(body.video_url).toBeUndefined();
  });

  it("gives up after the bound and records the failure in the job", async () => {
    scripts.set("/down", [503, 503, 503, 503, 503]);
    const { id } = await client.submit(tiny({ url: `${receiverUrl}/down` }));
    const job = await finished(id);
    expect(job.status).toBe("completed");
    expect(job.webhook).toEqual({ delivered: false, attempts: 4, last_status: 503 });
    expect(received.filter((r) => r.path === "/down")).toHaveLength(4);
    const record = await service.jobs.getStatus(id);
    expect(record?.webhook?.error).toBe("HTTP 503");
  });

  it("POSTs job.cancelled, signed, for a job cancelled while processing", async () => {
    // Held before its encode until the worker has seen the cancel marker, so the cancel cannot
    // lose a race with a render this small.
    const held = hold("cancel-while-processing", "rendering", (jobId) =>
      until(() => logged("cancel requested; stopping the render", jobId), {
        what: "the worker to see the cancel",
      }),
    );
    const { id } = await client.submit(
      tiny({ url: `${receiverUrl}/cancelled`, secret: SECRET }, "dot.png", "cancel-while-processing"),
    );
    expect(await held.reached).toBe(id);
    const cancel = await client.request("DELETE", `/v1/jobs/${id}`);
    expect(cancel).toMatchObject({ status: 202, body: { status: "processing" } });

    const job = await finished(id);
    expect(job).toMatchObject({ status: "cancelled", error: { code: "CANCELLED" } });
    expect(job.webhook).toEqual({ delivered: true, attempts: 1, last_status: 200 });
    const hits = received.filter((r) => r.path === "/cancelled");
    expect(hits).toHaveLength(1);
    const hit = hits[0] as Received;
    expect(hit.headers[WEBHOOK_HEADERS.event]).toBe("job.cancelled");
    expect(verifyWebhookSignature(hit.raw, hit.headers[WEBHOOK_HEADERS.signature] as string, SECRET)).toBe(
      true,
    );
    expect(JSON.parse(hit.raw.toString("utf8"))).toEqual({
      id,
      status: "cancelled",
      error: { code: "CANCELLED", message: expect.any(String) },
    });
  });

  it("sends nothing for a job cancelled while still queued", async () => {
    // The only worker is held by another job, so this one stays queued until it is cancelled.
    let release: () => void = () => {};
    const released = new Promise<void>((r) => {
      release = r;
    });
    const blocker = hold("blocker", "fetching", () => released);
    const { id: blockerId } = await client.submit(
      tiny({ url: `${receiverUrl}/blocker` }, "dot.png", "blocker"),
    );
    expect(await blocker.reached).toBe(blockerId);

    const { id } = await client.submit(tiny({ url: `${receiverUrl}/queued-then-cancelled`, secret: SECRET }));
    expect((await client.getJob(id)).status).toBe("queued");
    const cancel = await client.request("DELETE", `/v1/jobs/${id}`);
    expect(cancel).toMatchObject({ status: 202, body: { status: "cancelled" } });
    release();

    // The worker later receives the cancelled job's message and drops it: after that, nothing
    // is left that could send its webhook.
    await until(() => logged("job already finished; duplicate delivery ignored", id), {
      what: "the worker to drop the cancelled job's message",
    });
    await finished(blockerId);
    expect(received.filter((r) => r.path === "/queued-then-cancelled")).toEqual([]);
    const record = await service.jobs.getStatus(id);
    expect(record).toMatchObject({ status: "cancelled", attempts: 0 });
    expect(record?.webhook).toBeUndefined();
  });
});

describe("deliverWebhook", () => {
  const base = { allowPrivate: false, allowHttp: true, sleep: async () => {} } as const;
  const message = (url: string) => ({ url, body: '{"id":"x","status":"completed"}', event: "job.completed" });

  it.each([
    "http://169.254.169.254/latest/meta-data",
    "http://127.0.0.1:1/hook",
    "http://[::1]/hook",
    "http://[::ffff:169.254.169.254]/hook",
    "http://10.0.0.8/hook",
    "http://0x7f000001/hook",
  ])("refuses %s before connecting, without retrying", async (url) => {
    const result = await deliverWebhook(message(url), base);
    expect(result).toEqual({
      delivered: false,
      attempts: 0,
      error: expect.stringMatching(/private or reserved/),
    });
  });

  it("refuses a public-looking name that resolves to a private address, with no request made", async () => {
    const port = (receiver.address() as AddressInfo).port;
    const before = received.length;
    const result = await deliverWebhook(message(`http://hooks.example.com:${port}/rebind`), {
      ...base,
      resolver: async () => [{ address: "127.0.0.1", family: 4 }],
    });
    expect(result).toMatchObject({ delivered: false, attempts: 0 });
    expect(result.error).toMatch(/hooks\.example\.com resolves to 127\.0\.0\.1/);
    expect(received.length).toBe(before);
  });

  it("refuses plain http unless allowed, and non-http schemes always", async () => {
    expect(await deliverWebhook(message(`${receiverUrl}/x`), { ...base, allowHttp: false })).toEqual({
      delivered: false,
      attempts: 0,
      error: "plain http webhooks are not allowed",
    });
    expect((await deliverWebhook(message("ftp://example.com/x"), base)).error).toMatch(/ftp scheme/);
  });

  it("lets through one exact allowed address, and pins the connection to it", async () => {
    const port = (receiver.address() as AddressInfo).port;
    const result = await deliverWebhook(message(`http://receiver.test:${port}/pinned`), {
      ...base,
      resolver: async () => [{ address: "127.0.0.1", family: 4 }],
      extraAllowedAddresses: ["127.0.0.1"],
    });
    expect(result).toEqual({ delivered: true, attempts: 1, last_status: 200 });
    expect(received.at(-1)?.headers.host).toBe(`receiver.test:${port}`);
  });

  it.each([408, 425, 429])("retries a receiver answering %i, with the same delivery", async (status) => {
    scripts.set(`/busy-${status}`, [status, status, 200]);
    const result = await deliverWebhook(message(`${receiverUrl}/busy-${status}`), {
      ...base,
      allowPrivate: true,
    });
    expect(result).toEqual({ delivered: true, attempts: 3, last_status: 200 });
    const hits = received.filter((r) => r.path === `/busy-${status}`);
    expect(hits.map((h) => h.headers[WEBHOOK_HEADERS.attempt])).toEqual(["1", "2", "3"]);
    expect(new Set(hits.map((h) => h.headers[WEBHOOK_HEADERS.delivery])).size).toBe(1);
  });

  it.each([301, 302, 303, 307, 308])("does not follow a %i redirect, nor retry it", async (status) => {
    const before = received.filter((r) => r.path === "/moved-here").length;
    scripts.set(`/redirect-${status}`, [status, status]);
    const result = await deliverWebhook(message(`${receiverUrl}/redirect-${status}`), {
      ...base,
      allowPrivate: true,
    });
    expect(result).toEqual({ delivered: false, attempts: 1, last_status: status, error: `HTTP ${status}` });
    expect(received.filter((r) => r.path === `/redirect-${status}`)).toHaveLength(1);
    expect(received.filter((r) => r.path === "/moved-here")).toHaveLength(before);
  });

  it("does not retry a 4xx other than 408/425/429", async () => {
    scripts.set("/gone", [410, 200]);
    const result = await deliverWebhook(message(`${receiverUrl}/gone`), { ...base, allowPrivate: true });
    expect(result).toEqual({ delivered: false, attempts: 1, last_status: 410, error: "HTTP 410" });
  });

  it("backs off exponentially with jitter between attempts, and times out a silent receiver", async () => {
    const delays: number[] = [];
    const result = await deliverWebhook(message(`${receiverUrl}/hang`), {
      ...base,
      allowPrivate: true,
      responseTimeoutMs: 150,
      sleep: async (ms) => {
        delays.push(ms);
      },
      random: () => 0.5,
    });
    expect(result).toEqual({ delivered: false, attempts: 4, error: "no answer within 150 ms" });
    expect(delays).toEqual([1000, 2000, 4000]);
    expect(backoffDelayMs(1, 1000, 8000, () => 0)).toBe(750);
    expect(backoffDelayMs(1, 1000, 8000, () => 0.999)).toBe(1250);
    expect(backoffDelayMs(10, 1000, 8000, () => 0.5)).toBe(8000);
  });

  it("signs the exact body it sends", () => {
    const raw = '{"id":"01J","status":"completed"}';
    const sig = signWebhookBody(raw, SECRET);
    expect(verifyWebhookSignature(raw, sig, SECRET)).toBe(true);
    expect(verifyWebhookSignature(raw, undefined, SECRET)).toBe(false);
    expect(verifyWebhookSignature(raw, "sha256=00", SECRET)).toBe(false);
  });
});

describe("the dead-letter handler", () => {
  it("marks the job failed and sends its webhook with RENDER_FAILED", async () => {
    const store = new InMemoryObjectStore();
    const jobs = new JobStore(store);
    const config = loadConfig({
      VIDEOCRAFT_BUCKET: "bucket",
      VIDEOCRAFT_QUEUE_URL: "https://sqs.example.com/1/q",
      VIDEOCRAFT_AUTH: "gateway",
      VIDEOCRAFT_ALLOW_PRIVATE_SOURCES: "true",
    });
    const id = "01JABCDEFGHJKMNPQRSTVWXYZA";
    const record: JobRecord = {
      id,
      status: "processing",
      progress: 40,
      step: "rendering",
      created_at: "2025-01-01T00:00:00.000Z",
      updated_at: "2025-01-01T00:00:00.000Z",
      warnings: [],
      attempts: 3,
    };
    await jobs.putStatus(record);
    await jobs.putRequest(id, {
      width: 64,
      height: 64,
      fps: 10,
      draft: true,
      background_color: "#000000",
      elements: [],
      scenes: [],
      webhook: { url: `${receiverUrl}/dlq`, secret: SECRET },
    });
    const handler = createDeadLetterHandler({ config, store, jobs, clock: systemClock, log: silentLog });
    await handler({ Records: [{ body: JSON.stringify({ jobId: id }) }] } as never);
    const hit = received.find((r) => r.path === "/dlq") as Received;
    expect(verifyWebhookSignature(hit.raw, hit.headers[WEBHOOK_HEADERS.signature] as string, SECRET)).toBe(
      true,
    );
    const body = JSON.parse(hit.raw.toString("utf8"));
    expect(body).toMatchObject({ id, status: "failed", error: { code: "RENDER_FAILED" } });
    expect(body).toEqual(buildWebhookBody((await jobs.getStatus(id)) as JobRecord));
    expect((await jobs.getStatus(id))?.webhook).toMatchObject({ delivered: true, attempts: 1 });
  });
});
