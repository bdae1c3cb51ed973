import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { xrayTraceHeader } from "../../scripts/render-image-runtime.js";

/** What a runtime answered for one invocation. */
export type InvocationOutcome =
  | { ok: true; response: unknown }
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
 * POST …/invocation/{id}/response, …/{id}/error and …/init/error settle them.
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
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
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
      const parsed = parseJson(body);
      resolve(
        settled[2] === "response"
          ? { ok: true, response: parsed }
          : { ok: false, errorType: header(req, "lambda-runtime-function-error-type"), error: parsed },
      );
      res.writeHead(202, { "content-type": "application/json" }).end('{"status":"OK"}');
      return;
    }
    if (req.method === "POST" && path === "/2018-06-01/runtime/init/error") {
      this.markInitError(parseJson(body));
      res.writeHead(202, { "content-type": "application/json" }).end('{"status":"OK"}');
      return;
    }
    res.writeHead(404).end();
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
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
