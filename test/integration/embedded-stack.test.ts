import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, SQSEvent, SQSRecord } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AwsClients } from "../../functions/adapters/aws-clients.js";
import { S3ObjectStore } from "../../functions/adapters/s3-object-store.js";
import { SqsJobQueue } from "../../functions/adapters/sqs-job-queue.js";
import { silentLog } from "../../functions/core/ports/log.js";
import { ObjectTooLargeError } from "../../functions/core/ports/object-store.js";
import { type EmbeddedStack, startEmbeddedStack } from "../../local/embedded-stack.js";
import { startHttpServer } from "../../local/http-server.js";
import { startWorkerLoop } from "../../local/worker-loop.js";
import { clientsOfStack } from "../support/stack-clients.js";
import { until } from "../support/until.js";

let stack: EmbeddedStack;
let clients: AwsClients;
let store: S3ObjectStore;
let dir: string;

beforeAll(async () => {
  stack = await startEmbeddedStack();
  clients = clientsOfStack(stack);
  store = new S3ObjectStore({ client: clients.s3, bucket: stack.bucket });
  dir = await mkdtemp(join(tmpdir(), "videocraft-stack-"));
});

afterAll(async () => {
  clients?.s3.destroy();
  clients?.sqs.destroy();
  await stack?.stop();
  await stack?.stop(); // idempotent
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A non-loopback address of this machine, if it has one. */
function externalAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (!a.internal && a.family === "IPv4") return a.address;
  }
  return undefined;
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 1_000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("embedded stack", () => {
  it("exposes env that points at the emulator on loopback only", async () => {
    const port = Number(new URL(stack.endpoint).port);
    expect(stack.endpoint).toBe(`http://127.0.0.1:${port}`);
    expect(stack.env).toMatchObject({
      VIDEOCRAFT_AWS_ENDPOINT: stack.endpoint,
      VIDEOCRAFT_BUCKET: "videocraft-local",
      VIDEOCRAFT_QUEUE_URL: stack.queueUrl,
      VIDEOCRAFT_DLQ_URL: stack.dlqUrl,
      AWS_REGION: "us-east-1",
    });
    const attrs = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: stack.queueUrl, AttributeNames: ["All"] }),
    );
    expect(attrs.Attributes?.VisibilityTimeout).toBe("60");
    expect(JSON.parse(attrs.Attributes?.RedrivePolicy ?? "{}")).toMatchObject({
      maxReceiveCount: 3,
      deadLetterTargetArn: expect.stringContaining("videocraft-render-dlq"),
    });
    const external = externalAddress();
    if (external) expect(await canConnect(external, port)).toBe(false);
  });
});

describe("S3ObjectStore on the emulator", () => {
  it("round-trips text, existence and deletion", async () => {
    expect(await store.getText("jobs/missing/status.json")).toBeUndefined();
    expect(await store.exists("jobs/missing/status.json")).toBe(false);
    await store.putText("jobs/a/status.json", '{"status":"queued"}');
    expect(await store.getText("jobs/a/status.json")).toBe('{"status":"queued"}');
    expect(await store.exists("jobs/a/status.json")).toBe(true);
    await store.delete("jobs/a/status.json");
    expect(await store.exists("jobs/a/status.json")).toBe(false);
  });

  it("lists keys and common prefixes in byte order", async () => {
    const ids = [
      "01JABCDEFGHJKMNPQRSTVWXYZA",
      "01JABCDEFGHJKMNPQRSTVWXYZb",
      "01JABCDEFGHJKMNPQRSTVWXYZ_",
      "01J0000000000000000000000A",
    ];
    for (const id of ids) {
      await store.putText(`list/${id}/status.json`, "{}");
      await store.putText(`list/${id}/request.json`, "{}");
    }
    await store.putText("list/Z-top.json", "{}");
    await store.putText("list/a-top.json", "{}");
    const { keys, prefixes } = await store.list("list/", { delimiter: "/" });
    const expected = ids
      .map((id) => `list/${id}/`)
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(prefixes).toEqual(expected);
    expect(prefixes[0]).toBe("list/01J0000000000000000000000A/");
    // Byte order puts "A" < "_" < "b"; locale collation would not.
    expect(prefixes.slice(1).map((p) => p.at(-2))).toEqual(["A", "_", "b"]);
    expect(keys).toEqual(["list/Z-top.json", "list/a-top.json"]);
    const all = await store.list("list/01JABCDEFGHJKMNPQRSTVWXYZA/");
    expect(all).toEqual({
      keys: ["list/01JABCDEFGHJKMNPQRSTVWXYZA/request.json", "list/01JABCDEFGHJKMNPQRSTVWXYZA/status.json"],
      prefixes: [],
    });
  });

  it("putIfAbsent creates once", async () => {
    expect(await store.putIfAbsent("jobs/b/request.json", "first")).toBe(true);
    expect(await store.putIfAbsent("jobs/b/request.json", "second")).toBe(false);
    expect(await store.getText("jobs/b/request.json")).toBe("first");
  });

  it("putIfAbsent has exactly one winner among concurrent callers", async () => {
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => store.putIfAbsent("jobs/c/request.json", `writer-${i}`)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(await store.getText("jobs/c/request.json")).toBe(`writer-${winner}`);
  });

  it("uploads a 20 MiB file in parts and downloads the same bytes", async () => {
    const bytes = randomBytes(20 * 1024 * 1024);
    const src = join(dir, "big.bin");
    const dst = join(dir, "big.out");
    await writeFile(src, bytes);
    expect(await store.uploadFile("videos/big.mp4", src, "video/mp4")).toEqual({ bytes: bytes.length });
    expect(await store.downloadToFile("videos/big.mp4", dst, bytes.length)).toEqual({ bytes: bytes.length });
    expect((await readFile(dst)).equals(bytes)).toBe(true);
  });

  it("refuses a download over maxBytes and leaves no file", async () => {
    const src = join(dir, "small.bin");
    await writeFile(src, randomBytes(64 * 1024));
    await store.uploadFile("uploads/small.bin", src, "application/octet-stream");
    const dst = join(dir, "small.out");
    await expect(store.downloadToFile("uploads/small.bin", dst, 1000)).rejects.toBeInstanceOf(
      ObjectTooLargeError,
    );
    expect(existsSync(dst)).toBe(false);
    await expect(store.downloadToFile("uploads/none.bin", dst, 1000)).rejects.toMatchObject({
      name: "NoSuchKey",
    });
    expect(existsSync(dst)).toBe(false);
  });

  it("downloadHead reads the first bytes with a ranged GET and tells the whole size", async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const src = join(dir, "head-src.bin");
    await writeFile(src, bytes);
    await store.uploadFile("uploads/head.bin", src, "application/octet-stream");
    // Count what the emulator sends back, to show the read was ranged and not a whole download.
    const received: number[] = [];
    const head = join(dir, "head.out");
    const counting = clientsOfStack(stack);
    counting.s3.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        const length = (out.response as { headers?: Record<string, string> }).headers?.["content-length"];
        received.push(Number(length));
        return out;
      },
      { step: "deserialize", name: "countBytes" },
    );
    const ranged = new S3ObjectStore({ client: counting.s3, bucket: stack.bucket });
    try {
      expect(await ranged.downloadHead("uploads/head.bin", head, 1024 * 1024)).toEqual({
        bytes: 1024 * 1024,
        totalBytes: bytes.length,
      });
      expect((await readFile(head)).equals(bytes.subarray(0, 1024 * 1024))).toBe(true);
      expect(received).toEqual([1024 * 1024]);

      // An object shorter than the head comes back whole.
      await writeFile(src, bytes.subarray(0, 5000));
      await store.uploadFile("uploads/head-small.bin", src, "application/octet-stream");
      expect(await ranged.downloadHead("uploads/head-small.bin", head, 1024 * 1024)).toEqual({
        bytes: 5000,
        totalBytes: 5000,
      });
      expect((await readFile(head)).equals(bytes.subarray(0, 5000))).toBe(true);
      // An empty object has no byte 0 to range over.
      await store.putText("uploads/empty.bin", "");
      expect(await ranged.downloadHead("uploads/empty.bin", head, 1024)).toEqual({ bytes: 0, totalBytes: 0 });
      expect((await readFile(head)).length).toBe(0);
      await expect(ranged.downloadHead("uploads/none.bin", head, 1024)).rejects.toMatchObject({
        name: "NoSuchKey",
      });
    } finally {
      counting.s3.destroy();
      counting.sqs.destroy();
    }
  });

  it("presigns a GET that plain fetch can follow", async () => {
    const bytes = randomBytes(4096);
    const src = join(dir, "poster.jpg");
    await writeFile(src, bytes);
    await store.uploadFile("videos/poster.jpg", src, "image/jpeg");
    const url = await store.presignGet("videos/poster.jpg", 300, "my video.jpg");
    expect(url).toContain("response-content-disposition=attachment");
    expect(url).toContain("X-Amz-Expires=300");
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });
});

describe("SQS job queue and worker loop on the emulator", () => {
  it("delivers a sent job as a Lambda SQS event and deletes it after success", async () => {
    const queue = new SqsJobQueue({ client: clients.sqs, queueUrl: stack.queueUrl });
    const events: SQSEvent[] = [];
    const loop = startWorkerLoop({
      sqs: clients.sqs,
      queueUrl: stack.queueUrl,
      handler: async (event, context) => {
        expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
        events.push(event);
        return { batchItemFailures: [] };
      },
      log: silentLog,
    });
    try {
      await queue.send({ jobId: "01JOBSUCCESS" });
      await waitFor(() => events.length === 1);
    } finally {
      await loop.stop();
    }
    const record = events[0]!.Records[0]!;
    expect(events[0]!.Records).toHaveLength(1);
    expect(JSON.parse(record.body)).toEqual({ jobId: "01JOBSUCCESS" });
    expect(record).toMatchObject({
      eventSource: "aws:sqs",
      eventSourceARN: expect.stringMatching(/^arn:aws:sqs:us-east-1:\d{12}:videocraft-render$/),
      awsRegion: "us-east-1",
      md5OfBody: expect.stringMatching(/^[0-9a-f]{32}$/),
      messageId: expect.any(String),
      receiptHandle: expect.any(String),
    });
    expect(record.attributes.ApproximateReceiveCount).toBe("1");
    expect(Number(record.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(Number(record.attributes.ApproximateFirstReceiveTimestamp)).toBeGreaterThan(0);
    await expectQueueEmpty(stack.queueUrl);
  });

  it("redelivers a message that failed once, then forgets it", async () => {
    const queue = new SqsJobQueue({ client: clients.sqs, queueUrl: stack.queueUrl });
    const seen: SQSRecord[] = [];
    const loop = startWorkerLoop({
      sqs: clients.sqs,
      queueUrl: stack.queueUrl,
      handler: async (event) => {
        seen.push(event.Records[0]!);
        if (seen.length === 1) throw new Error("transient");
      },
      log: silentLog,
    });
    try {
      await queue.send({ jobId: "01JOBRETRY" });
      await waitFor(() => seen.length === 2);
    } finally {
      // Returns once the handler in progress has returned and its message was deleted.
      await loop.stop();
    }
    // Deleted after the second (successful) delivery: an empty queue cannot deliver a third.
    expect(seen).toHaveLength(2);
    expect(seen.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(["1", "2"]);
    expect(seen[0]!.messageId).toBe(seen[1]!.messageId);
    await expectQueueEmpty(stack.queueUrl);
  });

  it("keeps a long-running message hidden from other pollers while its handler runs", async () => {
    // Its own client, so the test can count what the loop asks SQS.
    const sqs = clientsOfStack(stack).sqs;
    const VISIBILITY_SECONDS = 3;
    /** When the handler got the message; 0 before. */
    let heldSince = 0;
    const sent = { heartbeats: 0, emptyReceivesAfterExpiry: 0 };
    sqs.middlewareStack.add(
      (next, context) => async (args) => {
        const started = Date.now();
        const out = await next(args);
        if (context.commandName === "ChangeMessageVisibilityCommand") sent.heartbeats++;
        const messages = (out.output as { Messages?: unknown[] }).Messages ?? [];
        const afterExpiry = heldSince > 0 && started > heldSince + VISIBILITY_SECONDS * 1000;
        if (context.commandName === "ReceiveMessageCommand" && afterExpiry && messages.length === 0) {
          sent.emptyReceivesAfterExpiry++;
        }
        return out;
      },
      { step: "initialize", name: "countCalls" },
    );
    let calls = 0;
    let finished = false;
    const loop = startWorkerLoop({
      sqs,
      queueUrl: stack.queueUrl,
      handler: async () => {
        calls++;
        heldSince = Date.now();
        // Held until the other poller has asked for messages after the message's own visibility
        // timeout ran out, and got none: only the heartbeats (every third of the timeout, so a stall
        // of up to 2 s changes nothing) kept it hidden.
        await until(() => calls > 1 || sent.emptyReceivesAfterExpiry >= 1, {
          what: "an empty receive by the other poller after the visibility timeout",
        });
        finished = true;
      },
      concurrency: 2,
      visibilityTimeoutSeconds: VISIBILITY_SECONDS,
      log: silentLog,
    });
    try {
      await new SqsJobQueue({ client: sqs, queueUrl: stack.queueUrl }).send({ jobId: "01JOBSLOW" });
      await waitFor(() => finished, 60_000);
    } finally {
      await loop.stop();
      sqs.destroy();
    }
    expect(calls).toBe(1);
    expect(sent.heartbeats).toBeGreaterThan(0);
    await expectQueueEmpty(stack.queueUrl);
  });

  it("moves a message that keeps failing to the DLQ after 3 receives", async () => {
    const queue = new SqsJobQueue({ client: clients.sqs, queueUrl: stack.queueUrl });
    const attempts: SQSRecord[] = [];
    const dead: SQSRecord[] = [];
    const worker = startWorkerLoop({
      sqs: clients.sqs,
      queueUrl: stack.queueUrl,
      handler: async (event) => {
        attempts.push(event.Records[0]!);
        return { batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }] };
      },
      log: silentLog,
    });
    const dlqWorker = startWorkerLoop({
      sqs: clients.sqs,
      queueUrl: stack.dlqUrl,
      handler: async (event) => {
        dead.push(event.Records[0]!);
      },
      log: silentLog,
    });
    try {
      await queue.send({ jobId: "01JOBPOISON" });
      await waitFor(() => dead.length === 1);
    } finally {
      await Promise.all([worker.stop(), dlqWorker.stop()]);
    }
    expect(attempts.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(["1", "2", "3"]);
    expect(JSON.parse(dead[0]!.body)).toEqual({ jobId: "01JOBPOISON" });
    expect(dead[0]!.eventSourceARN).toMatch(/:videocraft-render-dlq$/);
    expect(Number(dead[0]!.attributes.ApproximateReceiveCount)).toBeGreaterThan(3);
    await expectQueueEmpty(stack.queueUrl);
    await expectQueueEmpty(stack.dlqUrl);
  });
});

async function expectQueueEmpty(queueUrl: string): Promise<void> {
  const out = await clients.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0, VisibilityTimeout: 0 }),
  );
  expect(out.Messages ?? []).toEqual([]);
  const attrs = await clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  expect(attrs.Attributes).toMatchObject({
    ApproximateNumberOfMessages: "0",
    ApproximateNumberOfMessagesNotVisible: "0",
  });
}

describe("local HTTP server", () => {
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  const events: APIGatewayProxyEvent[] = [];

  beforeAll(async () => {
    server = await startHttpServer(async (event, context): Promise<APIGatewayProxyResult> => {
      events.push(event);
      if (event.path === "/binary") {
        return {
          statusCode: 200,
          headers: { "content-type": "application/octet-stream" },
          body: Buffer.from([0, 1, 2, 255]).toString("base64"),
          isBase64Encoded: true,
        };
      }
      if (event.path === "/boom") throw new Error("handler bug");
      return {
        statusCode: 201,
        headers: { "content-type": "application/json", "x-request-id": context.awsRequestId },
        multiValueHeaders: { "set-cookie": ["a=1", "b=2"] },
        body: JSON.stringify({ method: event.httpMethod, path: event.path }),
      };
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it("maps a request to an API Gateway REST proxy event and the result back", async () => {
    const res = await fetch(`${server.url}/v1/videos?dry_run=true&tag=a&tag=b`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "secret-key-123456" },
      body: JSON.stringify({ scenes: [] }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ method: "POST", path: "/v1/videos" });
    expect(res.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    const event = events.at(-1)!;
    expect(event.httpMethod).toBe("POST");
    expect(event.path).toBe("/v1/videos");
    expect(event.queryStringParameters).toEqual({ dry_run: "true", tag: "b" });
    expect(event.multiValueQueryStringParameters).toEqual({ dry_run: ["true"], tag: ["a", "b"] });
    expect(event.headers["x-api-key"]).toBe("secret-key-123456");
    expect(event.multiValueHeaders["content-type"]).toEqual(["application/json"]);
    expect(event.body).toBe('{"scenes":[]}');
    expect(event.isBase64Encoded).toBe(false);
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.requestContext.identity.sourceIp).toBe("127.0.0.1");
    expect(res.headers.get("x-request-id")).toBe(event.requestContext.requestId);

    await fetch(`${server.url}/v1/health`);
    expect(events.at(-1)).toMatchObject({ httpMethod: "GET", body: null, queryStringParameters: null });
  });

  it("passes binary bodies base64-encoded both ways", async () => {
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x10, 0x80]);
    const res = await fetch(`${server.url}/binary`, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: bytes,
    });
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
    const event = events.at(-1)!;
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body!, "base64")).toEqual(bytes);
  });

  it("answers 413 itself for a body over 2 MiB without calling the handler", async () => {
    const before = events.length;
    const res = await fetch(`${server.url}/v1/videos`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "x".repeat(3 * 1024 * 1024),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    expect(events.length).toBe(before);
  });

  it("answers 502 like API Gateway when the handler throws", async () => {
    const res = await fetch(`${server.url}/boom`);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ message: "Internal server error" });
  });

  it("listens on 127.0.0.1 only", async () => {
    const address = server.server.address();
    expect(address).toMatchObject({ address: "127.0.0.1" });
    const port = Number(new URL(server.url).port);
    const external = externalAddress();
    if (external) expect(await canConnect(external, port)).toBe(false);
  });
});
