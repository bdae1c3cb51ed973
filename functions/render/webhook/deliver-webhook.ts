import { randomUUID } from "node:crypto";
import { promises as dns } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { signWebhookBody, WEBHOOK_HEADERS } from "../../core/jobs/webhook-payload.js";
import { isForbiddenAddress } from "../../core/schema/address-policy.js";
import type { Resolver } from "../pipeline/safe-fetch.js";

/**
 * POSTs one webhook with the same SSRF rules as source fetching, because the URL is the client's
 * and the request leaves from inside the worker's network: https only (http
 * too when private sources are allowed, for local development), every resolved address checked
 * against the private/reserved ranges and the socket pinned to the address that was checked, no
 * redirects followed, short timeouts. Retries with bounded exponential backoff and jitter.
 *
 * Nothing here logs or returns the URL's path, query string, the secret or the body (which holds
 * a presigned URL): outcomes carry a status code or a short reason only.
 */

export interface WebhookDeliveryOptions {
  /** Skip the address checks (local development; mirrors VIDEOCRAFT_ALLOW_PRIVATE_SOURCES). */
  allowPrivate: boolean;
  allowHttp: boolean;
  /** Exact addresses let through although reserved (tests, local setups). Never set on AWS. */
  extraAllowedAddresses?: readonly string[];
  /** @default the system resolver */
  resolver?: Resolver;
  /** @default 5000 */
  connectTimeoutMs?: number;
  /** From the start of an attempt to the response head. @default 10000 */
  responseTimeoutMs?: number;
  /** @default 4 */
  maxAttempts?: number;
  /** Delay before the 2nd attempt; doubles each time. @default 1000 */
  baseDelayMs?: number;
  /** @default 8000 */
  maxDelayMs?: number;
  /** Test seam. @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1), for jitter. @default Math.random */
  random?: () => number;
  /** Unix time for the timestamp header. @default Date.now */
  now?: () => number;
}

export interface WebhookMessage {
  url: string;
  secret?: string | undefined;
  /** The exact bytes sent and signed. */
  body: string;
  /** `X-VideoCraft-Event`, e.g. `job.completed`. */
  event: string;
  /** `X-VideoCraft-Delivery`; a fresh UUID by default. */
  deliveryId?: string;
}

export interface DeliveryResult {
  delivered: boolean;
  attempts: number;
  last_status?: number;
  error?: string;
}

/** Why one attempt failed: `permanent` stops retrying (refused URL, 4xx), `transient` may retry. */
class AttemptFailure extends Error {
  constructor(
    readonly kind: "permanent" | "transient",
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const USER_AGENT = "VideoCraft-Serverless (webhook)";
const RETRY_STATUSES = new Set([408, 425, 429]);

/** Delay before attempt `n + 1` after `n` failed attempts: base·2^(n−1), capped, ±25 % jitter. */
export function backoffDelayMs(
  failedAttempts: number,
  base: number,
  max: number,
  random: () => number,
): number {
  const raw = Math.min(max, base * 2 ** (failedAttempts - 1));
  return Math.round(raw * (0.75 + 0.5 * random()));
}

export async function deliverWebhook(
  message: WebhookMessage,
  options: WebhookDeliveryOptions,
): Promise<DeliveryResult> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const backOff = (failed: number) =>
    sleep(
      backoffDelayMs(
        failed,
        options.baseDelayMs ?? 1000,
        options.maxDelayMs ?? 8000,
        options.random ?? Math.random,
      ),
    );
  const deliveryId = message.deliveryId ?? randomUUID();
  let url: URL;
  try {
    url = new URL(message.url);
  } catch {
    return { delivered: false, attempts: 0, error: "the webhook URL is not a URL" };
  }
  let attempts = 0;
  let lastStatus: number | undefined;
  for (;;) {
    let target: { address: string; family: 4 | 6 };
    try {
      checkScheme(url, options);
      target = await pickAddress(url, options);
    } catch (e) {
      const failure = asFailure(e);
      if (failure.kind === "permanent" || attempts + 1 >= maxAttempts) {
        return result(false, attempts, lastStatus, failure.message);
      }
      attempts++;
      await backOff(attempts);
      continue;
    }
    attempts++;
    try {
      const status = await post(url, target, message, deliveryId, attempts, options);
      lastStatus = status;
      if (status >= 200 && status <= 299) return result(true, attempts, status);
      const retry = status >= 500 || RETRY_STATUSES.has(status);
      if (!retry || attempts >= maxAttempts) return result(false, attempts, status, `HTTP ${status}`);
    } catch (e) {
      const failure = asFailure(e);
      if (failure.kind === "permanent" || attempts >= maxAttempts)
        return result(false, attempts, lastStatus, failure.message);
    }
    await backOff(attempts);
  }
}

function result(delivered: boolean, attempts: number, lastStatus?: number, error?: string): DeliveryResult {
  return {
    delivered,
    attempts,
    ...(lastStatus !== undefined ? { last_status: lastStatus } : {}),
    ...(error !== undefined && !delivered ? { error } : {}),
  };
}

function asFailure(e: unknown): AttemptFailure {
  return e instanceof AttemptFailure
    ? e
    : new AttemptFailure("transient", `delivery failed (${errorCode(e)})`);
}

function checkScheme(url: URL, options: WebhookDeliveryOptions): void {
  if (url.protocol === "https:" || (url.protocol === "http:" && options.allowHttp)) return;
  throw new AttemptFailure(
    "permanent",
    url.protocol === "http:"
      ? "plain http webhooks are not allowed"
      : `the ${url.protocol.slice(0, -1)} scheme is not allowed`,
  );
}

const systemResolver: Resolver = async (hostname) =>
  (await dns.lookup(hostname, { all: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

function isForbidden(address: string, options: WebhookDeliveryOptions): boolean {
  return !options.extraAllowedAddresses?.includes(address) && isForbiddenAddress(address);
}

async function pickAddress(
  url: URL,
  options: WebhookDeliveryOptions,
): Promise<{ address: string; family: 4 | 6 }> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const literal = isIP(host);
  let addresses: { address: string; family: 4 | 6 }[];
  if (literal) {
    addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  } else {
    const timeoutMs = options.connectTimeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    try {
      addresses = await Promise.race([
        (options.resolver ?? systemResolver)(host),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(Object.assign(new Error("timed out"), { code: "ETIMEOUT" })),
            timeoutMs,
          );
        }),
      ]);
    } catch (e) {
      throw new AttemptFailure("transient", `could not resolve ${host} (${errorCode(e)})`);
    } finally {
      clearTimeout(timer);
    }
    if (addresses.length === 0) throw new AttemptFailure("transient", `${host} has no address`);
  }
  if (!options.allowPrivate) {
    const bad = addresses.find((a) => isForbidden(a.address, options));
    if (bad) {
      throw new AttemptFailure(
        "permanent",
        `${literal ? "the address" : `${host} resolves to`} ${bad.address}, a private or reserved address`,
      );
    }
  }
  const first = addresses[0];
  if (!first) throw new AttemptFailure("transient", `${host} has no address`);
  return first;
}

/** One POST to the pinned address; resolves with the status code once the response head arrives. */
function post(
  url: URL,
  target: { address: string; family: 4 | 6 },
  message: WebhookMessage,
  deliveryId: string,
  attempt: number,
  options: WebhookDeliveryOptions,
): Promise<number> {
  const pinned: LookupFunction = (_hostname, opts, callback) => {
    if (opts.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const headers: Record<string, string | number> = {
    "user-agent": USER_AGENT,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(message.body),
    [WEBHOOK_HEADERS.event]: message.event,
    [WEBHOOK_HEADERS.delivery]: deliveryId,
    [WEBHOOK_HEADERS.timestamp]: String(Math.floor((options.now ?? Date.now)() / 1000)),
    [WEBHOOK_HEADERS.attempt]: String(attempt),
    ...(message.secret ? { [WEBHOOK_HEADERS.signature]: signWebhookBody(message.body, message.secret) } : {}),
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise<number>((resolvePromise, reject) => {
    let settled = false;
    const req = client.request({
      protocol: url.protocol,
      host: url.hostname.replace(/^\[|\]$/g, ""),
      ...(url.port ? { port: Number(url.port) } : {}),
      path: `${url.pathname}${url.search}`,
      method: "POST",
      headers,
      // A pooled socket would skip the pinned lookup and the connect check.
      agent: false,
      lookup: pinned,
    });
    const fail = (failure: AttemptFailure) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(responseTimer);
      req.destroy();
      reject(failure);
    };
    const connectMs = options.connectTimeoutMs ?? 5000;
    const responseMs = options.responseTimeoutMs ?? 10_000;
    const connectTimer = setTimeout(
      () => fail(new AttemptFailure("transient", `connecting timed out after ${connectMs} ms`)),
      connectMs,
    );
    const responseTimer = setTimeout(
      () => fail(new AttemptFailure("transient", `no answer within ${responseMs} ms`)),
      responseMs,
    );
    req.once("socket", (socket) => {
      socket.once("connect", () => {
        clearTimeout(connectTimer);
        if (!options.allowPrivate && isForbidden(socket.remoteAddress ?? "", options)) {
          fail(new AttemptFailure("permanent", "connected to a private or reserved address"));
        }
      });
    });
    req.once("response", (res) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(responseTimer);
      // The receiver's body is not needed; drain a little, then let the socket go.
      res.on("error", () => {});
      res.resume();
      setTimeout(() => req.destroy(), 1000).unref();
      resolvePromise(res.statusCode ?? 0);
    });
    req.on("error", (e) => fail(new AttemptFailure("transient", `could not deliver (${errorCode(e)})`)));
    req.end(message.body);
  });
}

/** Node error codes name the failure without echoing the URL. */
function errorCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : e instanceof Error ? e.name : "error";
}
