import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { xrayTraceHeader } from "../../scripts/render-image-runtime.js";
import { closeServer } from "./close-server.js";

/** A response the runtime streamed (a handler wrapped in `awslambda.streamifyResponse`). */
export interface StreamedResponse {
  /** The stream's Content-Type: API Gateway's HTTP integration type when a prelude leads it. */
  contentType: string | undefined;
  /** `chunked`: the runtime sent the body as it was written, not as one buffer. */
  transferEncoding: string | undefined;
  body: Buffer;
}

/** What a runtime answered for one invocation. */
export type InvocationOutcome =
  | { ok: true; response: unknown; streamed?: undefined }
  | { ok: true; response?: undefined; streamed: StreamedResponse }
  | { ok: false; errorType: string | undefined; error: unknown };

export interface RuntimeApiOptions {
  functionName?: string;
  /** The function's timeout: each invocation's deadline is this far from its delivery. */
  timeoutMs?: number;
}

/**
 * A stand-in for the Lambda Runtime API (the HTTP interface a runtime polls for work) on
 * 127.0.0.1, so a real runtime interface client can run a handler outside Lambda:
 * GET /2018-06-01/runtime/invocation/next hands out queued events with Lambda's headers, and
 * POST …/invocation/{id}/response, …/{id}/error and …/init/error settle them. A response sent with
 * `Lambda-Runtime-Function-Response-Mode: streaming` (chunked, its errors as HTTP trailers) is
 * kept as the bytes it streamed.
 */
export class LambdaRuntimeApi {
  /** `host:port`, the value of AWS_LAMBDA_RUNTIME_API. */
  address = "";
  /** When the runtime first asked for work: its initialisation (handler module loaded) is done. */
  readonly firstPoll: Promise<number>;
  /** The error a runtime reported from its initialisation, if any. */
  readonly initError: Promise<unknown>;

  private readonly server: http.Server;
  private readonly queue: { id: string; event: unknown }[] = [];
  private readonly waiting: ((next: { id: string; event: unknown }) => void)[] = [];
  private readonly pending = new Map<string, (outcome: InvocationOutcome) => void>();
  private readonly functionName: string;
  private readonly timeoutMs: number;
  private markPolled!: (at: number) => void;
  private markInitError!: (error: unknown) => void;

  constructor(options: RuntimeApiOptions = {}) {
    this.functionName = options.functionName ?? "videocraft-runtime-test";
    this.timeoutMs = options.timeoutMs ?? 900_000;
    this.firstPoll = new Promise((resolve) => {
      this.markPolled = resolve;
    });
    this.initError = new Promise((resolve) => {
      this.markInitError = resolve;
    });
    this.server = http.createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        res.writeHead(500).end(String(err));
      });
    });
    // A runtime holds its `next` request open until there is work.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 0;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.address = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Queues one event and resolves with what the runtime answers for it. */
  invoke(event: unknown): Promise<InvocationOutcome> {
    const id = randomUUID();
    const outcome = new Promise<InvocationOutcome>((resolve) => this.pending.set(id, resolve));
    const next = { id, event };
    const waiter = this.waiting.shift();
    if (waiter) waiter(next);
    else this.queue.push(next);
    return outcome;
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = req.url ?? "";
    const body = await readBody(req);
    if (req.method === "GET" && path === "/2018-06-01/runtime/invocation/next") {
      this.markPolled(performance.now());
      const next =
        this.queue.shift() ??
        (await new Promise<{ id: string; event: unknown }>((r) => this.waiting.push(r)));
      res.writeHead(200, {
        "content-type": "application/json",
        "lambda-runtime-aws-request-id": next.id,
        "lambda-runtime-deadline-ms": String(Date.now() + this.timeoutMs),
        "lambda-runtime-invoked-function-arn": `arn:aws:lambda:us-east-1:000000000000:function:${this.functionName}`,
        "lambda-runtime-trace-id": xrayTraceHeader(),
      });
      res.end(JSON.stringify(next.event));
      return;
    }
    const settled = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(path);
    if (req.method === "POST" && settled) {
      const id = decodeURIComponent(settled[1] as string);
      const resolve = this.pending.get(id);
      if (!resolve) {
        res.writeHead(400, { "content-type": "application/json" }).end('{"errorType":"InvalidRequestID"}');
        return;
      }
      this.pending.delete(id);
      resolve(outcomeOf(req, settled[2] === "response", body));
      res.writeHead(202, { "content-type": "application/json" }).end('{"status":"OK"}');
      return;
    }
    if (req.method === "POST" && path === "/2018-06-01/runtime/init/error") {
      this.markInitError(parseJson(body.toString("utf8")));
      res.writeHead(202, { "content-type": "application/json" }).end('{"status":"OK"}');
      return;
    }
    res.writeHead(404).end();
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** What a runtime's `/response` or `/error` post says; `req` has been read to its end (trailers too). */
function outcomeOf(req: http.IncomingMessage, isResponse: boolean, body: Buffer): InvocationOutcome {
  if (!isResponse) {
    return {
      ok: false,
      errorType: header(req, "lambda-runtime-function-error-type"),
      error: parseJson(body.toString("utf8")),
    };
  }
  if (header(req, "lambda-runtime-function-response-mode") !== "streaming") {
    return { ok: true, response: parseJson(body.toString("utf8")) };
  }
  // A streamed response that failed midway reports its error in trailers.
  const errorType = req.trailers["lambda-runtime-function-error-type"];
  if (errorType) {
    const encoded = req.trailers["lambda-runtime-function-error-body"] ?? "";
    return { ok: false, errorType, error: parseJson(Buffer.from(encoded, "base64").toString("utf8")) };
  }
  return {
    ok: true,
    streamed: {
      contentType: header(req, "content-type"),
      transferEncoding: header(req, "transfer-encoding"),
      body,
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const header = (req: http.IncomingMessage, name: string) => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};
