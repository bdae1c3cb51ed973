import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { pipeline } from "node:stream/promises";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { isStreamed } from "../functions/api/http-response.js";
import type { Log } from "../functions/core/ports/log.js";
import { createLambdaContext, LOCAL_FUNCTIONS, runAsLocalFunction } from "./lambda-context.js";

/**
 * Above the handler's own 1 MiB limit, so the handler's 413 is what clients normally see; this one
 * only stops a client from streaming an unbounded body into memory.
 */
export const MAX_LOCAL_BODY_BYTES = 2 * 1024 * 1024;
/** After answering 413 we keep draining this much so the client reads our answer instead of a reset. */
const MAX_DISCARD_BYTES = 16 * 1024 * 1024;
/** API Gateway's integration timeout. */
const API_TIMEOUT_MS = 29_000;

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface LocalHttpServer {
  url: string;
  server: http.Server;
  close(): Promise<void>;
}

/**
 * Serves an API Gateway (REST, v1 proxy) Lambda handler over plain HTTP, translating each request
 * into the event API Gateway would build, so the handler runs unchanged locally.
 */
export async function startHttpServer(
  handler: ApiHandler,
  options: { port?: number; host?: string; log?: Log } = {},
): Promise<LocalHttpServer> {
  const host = options.host ?? "127.0.0.1";
  const server = http.createServer((req, res) => {
    serve(handler, req, res, options.log).catch((err: unknown) => {
      options.log?.error("local http server failed", err instanceof Error ? err : { err: String(err) });
      if (!res.headersSent) sendJson(res, 500, { message: "Internal server error" });
      else res.destroy();
    });
  });
  // Bounded so an idle client (or a forgotten curl) can't keep the process from shutting down.
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  server.maxRequestsPerSocket = 1_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        // In-flight requests get a grace period; after it, their sockets are cut.
        const force = setTimeout(() => server.closeAllConnections(), 5_000);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

async function serve(
  handler: ApiHandler,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  log: Log | undefined,
): Promise<void> {
  const body = await readBody(req);
  if (body === "too-large") {
    res.setHeader("connection", "close");
    sendJson(res, 413, {
      error: {
        code: "PAYLOAD_TOO_LARGE",
        message: `request body exceeds ${MAX_LOCAL_BODY_BYTES} bytes`,
        request_id: randomUUID(),
      },
    });
    return;
  }
  const event = toEvent(req, body);
  let result: APIGatewayProxyResult;
  try {
    const context = createLambdaContext(LOCAL_FUNCTIONS.api, API_TIMEOUT_MS, event.requestContext.requestId);
    result = await runAsLocalFunction(LOCAL_FUNCTIONS.api, () => handler(event, context));
  } catch (err) {
    // What API Gateway answers when the integration throws; the detail only goes to the log.
    log?.error("api handler threw", err instanceof Error ? err : { err: String(err) });
    sendJson(res, 502, { message: "Internal server error" });
    return;
  }
  await writeResult(res, result);
}

/** Buffers the body up to the cap; past it, drains (bounded) without keeping anything. */
function readBody(req: http.IncomingMessage): Promise<Buffer | "too-large"> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? Number.NaN);
    const chunks: Buffer[] = [];
    let received = 0;
    let tooLarge = declared > MAX_LOCAL_BODY_BYTES;
    if (tooLarge) resolve("too-large");
    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_LOCAL_BODY_BYTES + MAX_DISCARD_BYTES) {
        req.socket.destroy();
        return;
      }
      if (tooLarge) return;
      if (received > MAX_LOCAL_BODY_BYTES) {
        tooLarge = true;
        chunks.length = 0;
        resolve("too-large");
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!tooLarge) resolve(Buffer.concat(chunks));
    });
    req.on("error", (err) => {
      if (!tooLarge) reject(err);
    });
  });
}

function toEvent(req: http.IncomingMessage, body: Buffer): APIGatewayProxyEvent {
  const url = new URL(req.url ?? "/", "http://localhost");
  const method = (req.method ?? "GET").toUpperCase();
  const requestId = randomUUID();

  // API Gateway keeps the client's header-name case and, for repeats, the last value in `headers`.
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    const value = req.rawHeaders[i + 1]!;
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }

  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    multiQuery[name] = [...(multiQuery[name] ?? []), value];
  }
  const hasQuery = Object.keys(query).length > 0;

  const contentType = req.headers["content-type"];
  const asText = body.length > 0 && isText(contentType, body);
  const path = url.pathname;
  const sourceIp = (req.socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, "");
  const now = Date.now();

  return {
    resource: "/{proxy+}",
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: { proxy: path.replace(/^\//, "") },
    stageVariables: null,
    body: body.length === 0 ? null : asText ? body.toString("utf8") : body.toString("base64"),
    isBase64Encoded: body.length > 0 && !asText,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      authorizer: null,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: method,
      path,
      stage: "local",
      requestId,
      requestTime: new Date(now).toUTCString(),
      requestTimeEpoch: now,
      resourceId: "local",
      resourcePath: "/{proxy+}",
      identity: anonymousIdentity(sourceIp, req.headers["user-agent"] ?? null),
    },
  };
}

/** API Gateway's identity block for a caller it knows nothing about but its address. */
export function anonymousIdentity(
  sourceIp: string,
  userAgent: string | null,
): APIGatewayProxyEvent["requestContext"]["identity"] {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp,
    user: null,
    userAgent,
    userArn: null,
  };
}

const TEXT_TYPES =
  /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|[\w.+-]+\+(json|xml))\b)/i;

/** Text bodies reach the handler as strings; anything else as base64, like a binary media type would. */
function isText(contentType: string | undefined, body: Buffer): boolean {
  if (contentType) return TEXT_TYPES.test(contentType.trim());
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
}

/** Writes the handler's answer; a streamed body (a video download) is piped, never buffered. */
async function writeResult(res: http.ServerResponse, result: APIGatewayProxyResult): Promise<void> {
  const merged = new Map<string, { name: string; values: string[] }>();
  const add = (name: string, value: boolean | number | string) => {
    const lower = name.toLowerCase();
    const entry = merged.get(lower) ?? { name, values: [] };
    entry.values.push(String(value));
    merged.set(lower, entry);
  };
  for (const [name, value] of Object.entries(result.headers ?? {})) add(name, value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    for (const value of values) add(name, value);
  }
  for (const { name, values } of merged.values())
    res.setHeader(name, values.length === 1 ? values[0]! : values);
  if (isStreamed(result)) {
    res.statusCode = result.statusCode;
    // A client that goes away mid-download ends the pipeline; the storage stream is closed with it.
    await pipeline(result.stream, res).catch(() => {
      result.stream.destroy();
      res.destroy();
    });
    return;
  }
  const body = Buffer.from(result.body ?? "", result.isBase64Encoded ? "base64" : "utf8");
  res.statusCode = result.statusCode;
  res.setHeader("content-length", body.length);
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, payload: unknown): void {
  const body = Buffer.from(JSON.stringify(payload));
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.setHeader("content-length", body.length);
  res.end(body);
}
