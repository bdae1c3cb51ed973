import http from "node:http";
import type { AddressInfo } from "node:net";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { closeServer } from "./close-server.js";

/** A function the stand-in runs: its payload in, its answer (or a thrown error) out. */
export type InvokedFunction = (payload: unknown) => Promise<unknown>;

/**
 * A stand-in for Lambda's Invoke API (`POST /2015-03-31/functions/{name}/invocations`,
 * RequestResponse) on 127.0.0.1, so a real SDK client's invocation crosses real HTTP: the payload
 * as the SDK serialises it, an error as Lambda reports it (200 with `X-Amz-Function-Error`).
 * Functions are looked up by the name or ARN the caller used.
 */
export class LambdaInvokeApi {
  url = "";
  /** What each invocation carried, in order. */
  readonly invocations: { functionName: string; invocationType: string | undefined; payload: unknown }[] = [];
  private readonly server: http.Server;

  constructor(private readonly functions: Record<string, InvokedFunction>) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => res.writeHead(500).end(String(err)));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** An SDK client that sends its invocations here. */
  client(): LambdaClient {
    return new LambdaClient({
      endpoint: this.url,
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
      maxAttempts: 1,
    });
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url?.split("?")[0] ?? "");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const functionName = decodeURIComponent(m?.[1] ?? "");
    const fn = this.functions[functionName];
    if (req.method !== "POST" || !m || !fn) {
      const body = { Type: "User", message: `Function not found: ${functionName}` };
      res.writeHead(404, {
        "x-amzn-errortype": "ResourceNotFoundException",
        "content-type": "application/json",
      });
      res.end(JSON.stringify(body));
      return;
    }
    const text = Buffer.concat(chunks).toString("utf8");
    const payload: unknown = text ? JSON.parse(text) : undefined;
    const invocationType = req.headers["x-amz-invocation-type"] as string | undefined;
    this.invocations.push({ functionName, invocationType, payload });
    try {
      const answer = await fn(payload);
      res.writeHead(200, { "content-type": "application/json", "x-amz-executed-version": "$LATEST" });
      res.end(JSON.stringify(answer ?? null));
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      res.writeHead(200, {
        "content-type": "application/json",
        "x-amz-executed-version": "$LATEST",
        "x-amz-function-error": "Unhandled",
      });
      res.end(JSON.stringify({ errorType: error.name, errorMessage: error.message }));
    }
  }
}
