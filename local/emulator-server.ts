import type { IncomingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import { buildApp } from "fauxqs";
import { addEmulatorCors } from "./emulator-cors.js";
import type { EmulatorStores } from "./emulator-stores.js";
import {
  payloadIsSigned,
  readSigV4Claim,
  type SigV4Failure,
  sha256Hex,
  verifySignature,
} from "./sigv4-verifier.js";

export interface EmulatorServerOptions {
  stores: EmulatorStores;
  region: string;
  /** The only credentials accepted; every request must be signed with them (SigV4). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** On 127.0.0.1; 0 picks a free port. */
  port?: number;
}

export interface EmulatorServer {
  /** `http://127.0.0.1:<port>`: S3 and SQS share it. */
  endpoint: string;
  close(): Promise<void>;
}

/** fauxqs' own limit for one request body (a multipart part is at most this). */
const MAX_BODY_BYTES = 11 * 1024 * 1024;
/** How much of a refused request's body is read and dropped before the answer; beyond, it is cut. */
const MAX_DRAINED_BYTES = 64 * 1024 * 1024;

/** The parts of fastify's request and reply the hooks use (fauxqs' fastify is not our dependency). */
interface Request {
  method: string;
  headers: IncomingHttpHeaders;
  query?: unknown;
  params?: unknown;
}
interface Reply {
  code(status: number): Reply;
  header(name: string, value: string): Reply;
  send(body?: string): Reply;
}

/**
 * fauxqs (S3 + SQS) on the loopback interface, in front of which two things the emulator lacks:
 * every request must carry a valid SigV4 signature made with this run's secret (header or
 * presigned query), so the port that shows in local video links is no open door to the bucket or
 * the queues; and a PutObject with `If-None-Match: *` fails with 412 when the key exists, as on S3,
 * so "create once" holds for every process that talks to this emulator.
 */
export async function startEmulatorServer(options: EmulatorServerOptions): Promise<EmulatorServer> {
  const { stores, credentials } = options;
  const app = buildApp({ logger: false, defaultRegion: options.region, stores: stores as never });
  // Before the signature check: a browser's preflight carries no credentials, and a refusal
  // should still be readable by the page that made the request.
  addEmulatorCors(app);

  app.addHook("preParsing", async (request, reply, payload) => {
    // A browser's CORS preflight carries no credentials and neither reads nor writes anything.
    if (request.method === "OPTIONS") return payload;
    const req = { method: request.method, url: request.raw.url ?? "/", headers: request.headers };
    const claim = readSigV4Claim(req, credentials.accessKeyId, new Date());
    if (!claim.ok) return refuse(request, reply, claim, payload);
    let body: Buffer | undefined;
    if (payloadIsSigned(claim)) {
      body = await readAll(payload, MAX_BODY_BYTES);
      if (body === undefined)
        return refuse(
          request,
          reply,
          { ok: false, code: "EntityTooLarge", message: "request body too large" },
          undefined,
          413,
        );
    }
    const bodyHash = body ? sha256Hex(body) : undefined;
    const verdict = verifySignature(req, claim, credentials.secretAccessKey, bodyHash);
    if (!verdict.ok) return refuse(request, reply, verdict, body === undefined ? payload : undefined);
    if (body === undefined) return payload;
    const replay = Readable.from(body.length > 0 ? [body] : []) as Readable & {
      receivedEncodedLength?: number;
    };
    replay.receivedEncodedLength = body.length;
    return replay;
  });

  const createOnce = createOnceGuard(stores);
  app.addHook("preHandler", async (request, reply) => {
    if (!createOnce.applies(request)) return;
    const { bucket, key } = objectOf(request);
    const release = await createOnce.lock(request, `${bucket}/${key}`);
    if (createOnce.exists(bucket, key)) {
      release();
      reply
        .code(412)
        .header("content-type", "application/xml")
        .send(
          s3Error(
            "PreconditionFailed",
            "At least one of the pre-conditions you specified did not hold",
            "<Condition>If-None-Match</Condition>",
          ),
        );
      return reply;
    }
  });
  app.addHook("onResponse", async (request) => createOnce.release(request));
  app.addHook("onRequestAbort", async (request) => createOnce.release(request));

  const address = await app.listen({ port: options.port ?? 0, host: "127.0.0.1" });
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${new URL(address).port}`,
    close() {
      closing ??= app.close();
      return closing;
    },
  };
}

/** Serialises conditional creates per key: check and write of one finish before the next check. */
function createOnceGuard(stores: EmulatorStores) {
  const tails = new Map<string, Promise<void>>();
  const held = new WeakMap<object, () => void>();
  return {
    applies(request: Request): boolean {
      if (request.method !== "PUT" || request.headers["if-none-match"] !== "*") return false;
      const query = (request.query ?? {}) as Record<string, unknown>;
      // A part of a multipart upload is not the object itself.
      return !("uploadId" in query) && !("partNumber" in query);
    },
    async lock(request: Request, id: string): Promise<() => void> {
      const previous = tails.get(id) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((resolve) => {
        release = () => {
          if (tails.get(id) === mine) tails.delete(id);
          resolve();
        };
      });
      tails.set(id, mine);
      held.set(request, release);
      await previous;
      return () => {
        held.delete(request);
        release();
      };
    },
    release(request: Request): void {
      held.get(request)?.();
      held.delete(request);
    },
    exists(bucket: string, key: string): boolean {
      try {
        stores.s3Store.headObject(bucket, key);
        return true;
      } catch {
        return false;
      }
    },
  };
}

function objectOf(request: Request): { bucket: string; key: string } {
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  return { bucket: params.bucket ?? "", key: params["*"] ?? "" };
}

async function readAll(stream: NodeJS.ReadableStream, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > max) return undefined;
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

async function discard(stream: NodeJS.ReadableStream, max: number): Promise<void> {
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      size += chunk.length;
      if (size > max) return;
    }
  } catch {
    // A client that gave up mid-body gets no answer anyway.
  }
}

/**
 * Refused before the body was read: the rest of the body is read and dropped first (up to a cap),
 * because a client still sending (a presigned PUT of a grown part) gets EPIPE instead of the 403
 * if the connection closes under it; S3 answers such a PUT with a readable 403 too.
 */
async function refuse(
  request: Request,
  reply: Reply,
  failure: SigV4Failure,
  unread?: NodeJS.ReadableStream,
  status = 403,
) {
  if (unread) await discard(unread, MAX_DRAINED_BYTES);
  const isSqs = String(request.headers["content-type"] ?? "").includes("x-amz-json");
  reply.code(status).header("connection", "close");
  if (isSqs) {
    reply
      .header("content-type", "application/x-amz-json-1.0")
      .header("x-amzn-query-error", `${failure.code};Sender`)
      .send(JSON.stringify({ __type: `com.amazonaws.sqs#${failure.code}`, message: failure.message }));
  } else {
    reply.header("content-type", "application/xml").send(s3Error(failure.code, failure.message));
  }
  return reply;
}

function s3Error(code: string, message: string, extra = ""): string {
  const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xml(message)}</Message>${extra}</Error>`;
}
