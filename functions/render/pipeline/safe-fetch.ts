import { promises as dns, type LookupAddress } from "node:dns";
import { createWriteStream } from "node:fs";
import { open as openFile, rm, writeFile } from "node:fs/promises";
import http, { type ClientRequest, type IncomingMessage } from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Config } from "../../core/config.js";
import { JobFailure } from "../../core/errors.js";
import {
  type AddressPolicy,
  checkResolvedAddresses,
  checkScheme,
  isAllowedAddress,
} from "../../core/schema/address-policy.js";
import { displaySrc } from "../../core/schema/source-policy.js";

/**
 * Downloads a user-given http(s) URL to a file without letting it reach anything inside the
 * network the worker runs in (server-side request forgery): cloud metadata, VPC-internal services, localhost.
 *
 * The fetcher resolves every hop's host itself, refuses the hop when the address policy
 * (address-policy.ts) refuses any resolved address, and then connects to exactly the address it
 * checked (a pinned `lookup`), so a DNS answer that changes between check and connect (rebinding)
 * cannot redirect the socket. Redirects are followed by hand so that each hop goes through the
 * same checks.
 */

export type Resolver = (hostname: string) => Promise<{ address: string; family: 4 | 6 }[]>;

export interface SafeFetchOptions extends AddressPolicy {
  maxBytes: number;
  connectTimeoutMs: number;
  /** Longest silence while waiting for headers or body bytes. */
  readTimeoutMs: number;
  /** @default 5 */
  maxRedirects?: number;
  /** @default the system resolver (dns.lookup, all addresses) */
  resolver?: Resolver;
  signal?: AbortSignal;
  /** Sees each body chunk's size as it arrives; throwing (e.g. a per-job byte budget) stops the download. */
  onBytes?: (bytes: number) => void;
}

export interface SafeFetchResult {
  bytes: number;
  contentType?: string;
  finalUrl: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = "VideoCraft-Serverless (source fetcher)";

const systemResolver: Resolver = async (hostname) =>
  (await dns.lookup(hostname, { all: true })).map((a: LookupAddress) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

export async function safeFetchToFile(
  url: string,
  destPath: string,
  options: SafeFetchOptions,
): Promise<SafeFetchResult> {
  const { exchange, finalUrl } = await follow(url, options, {});
  const { res } = exchange;
  const shown = displaySrc(finalUrl);
  const declared = Number(res.headers["content-length"]);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    exchange.close();
    throw tooLarge(shown, options.maxBytes);
  }
  const bytes = await saveBody(exchange, destPath, shown, options);
  const contentType = res.headers["content-type"];
  return { bytes, ...(contentType ? { contentType } : {}), finalUrl };
}

export interface SafeFetchHeadResult extends SafeFetchResult {
  /** Size of the whole resource when the server told it (Content-Range, or Content-Length of a 200). */
  totalBytes: number | undefined;
  /** True when `destPath` holds the whole resource, not only its first bytes. */
  complete: boolean;
}

/**
 * Fetches at most the first `headBytes` of a URL (a `Range: bytes=0-…` GET) under the same
 * address, scheme, redirect and timeout rules as {@link safeFetchToFile}; a server that ignores
 * Range and answers 200 is read only up to `headBytes`, then the connection is dropped. A
 * resource the server declares larger than `options.maxBytes` is SOURCE_TOO_LARGE without
 * reading its body. For dry runs, which probe sources without downloading them.
 */
export async function safeFetchHead(
  url: string,
  destPath: string,
  headBytes: number,
  options: SafeFetchOptions,
): Promise<SafeFetchHeadResult> {
  const wanted = Math.max(1, Math.floor(headBytes));
  const { exchange, finalUrl } = await follow(url, options, { range: `bytes=0-${wanted - 1}` });
  const { res } = exchange;
  const shown = displaySrc(finalUrl);
  const status = res.statusCode ?? 0;
  const contentType = res.headers["content-type"];
  const range = /^bytes\s+(?:\d+-\d+|\*)\/(\d+)\s*$/i.exec(res.headers["content-range"] ?? "");
  const declared = Number(res.headers["content-length"]);
  let totalBytes: number | undefined;
  if (range) totalBytes = Number(range[1]);
  else if (status === 200 && res.headers["content-length"] !== undefined && Number.isFinite(declared))
    totalBytes = declared;
  if (totalBytes !== undefined && totalBytes > options.maxBytes) {
    exchange.close();
    throw tooLarge(shown, options.maxBytes);
  }
  if (status === 416) {
    // Nothing at offset 0: an empty resource.
    exchange.close();
    await writeFile(destPath, "");
    return { bytes: 0, totalBytes: totalBytes ?? 0, complete: true, finalUrl, ...ct(contentType) };
  }
  const { bytes, ended } = await saveHead(
    exchange,
    destPath,
    shown,
    Math.min(wanted, options.maxBytes),
    options,
  );
  const complete = (status === 200 && ended) || (totalBytes !== undefined && bytes >= totalBytes);
  if (status === 200 && ended) totalBytes = bytes;
  return { bytes, totalBytes, complete, finalUrl, ...ct(contentType) };
}

const ct = (contentType: string | undefined) => (contentType ? { contentType } : {});

/**
 * Follows redirects by hand, each hop through the scheme and address checks, to the first
 * answer that is not a redirect; anything but 2xx (or 416 to a ranged request) is an error.
 */
async function follow(
  url: string,
  options: SafeFetchOptions,
  headers: Record<string, string>,
): Promise<{ exchange: Exchange; finalUrl: string }> {
  const maxRedirects = options.maxRedirects ?? 5;
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw new JobFailure("SOURCE_FORBIDDEN", `${displaySrc(url)} is not a URL`);
  }
  for (let redirects = 0; ; redirects++) {
    options.signal?.throwIfAborted();
    checkScheme(current, options);
    const target = await pickAddress(current, options);
    const exchange = await open(current, target, options, headers);
    const { res } = exchange;
    const status = res.statusCode ?? 0;
    const shown = displaySrc(current.href);
    if (REDIRECTS.has(status)) {
      exchange.close();
      const location = res.headers.location;
      if (!location) throw unreachable(`${shown} answered HTTP ${status} without a Location`);
      if (redirects >= maxRedirects)
        throw unreachable(`${displaySrc(url)}: more than ${maxRedirects} redirects`);
      try {
        current = new URL(location, current);
      } catch {
        throw unreachable(`${shown} redirected to an invalid URL`);
      }
      continue;
    }
    if (status === 401 || status === 403) {
      exchange.close();
      throw unreachable(`${shown}: forbidden by origin (HTTP ${status})`);
    }
    if (status === 416 && headers.range !== undefined) return { exchange, finalUrl: current.href };
    if (status < 200 || status > 299) {
      exchange.close();
      throw unreachable(`${shown} answered HTTP ${status}`);
    }
    return { exchange, finalUrl: current.href };
  }
}

/** Resolves the host once and validates every answer, returning the one address to connect to. */
async function pickAddress(url: URL, options: SafeFetchOptions): Promise<{ address: string; family: 4 | 6 }> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const shown = displaySrc(url.href);
  let addresses: { address: string; family: 4 | 6 }[];
  const literal = isIP(host);
  if (literal) {
    addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await withTimeout(
        (options.resolver ?? systemResolver)(host),
        options.connectTimeoutMs,
        options.signal,
      );
    } catch (e) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw unreachable(`${shown}: could not resolve ${host} (${errorCode(e)})`);
    }
    if (addresses.length === 0) throw unreachable(`${shown}: ${host} has no address`);
  }
  checkResolvedAddresses(url, addresses, options);
  return addresses[0]!;
}

interface Exchange {
  req: ClientRequest;
  res: IncomingMessage;
  /** The JobFailure a timer or check already decided, which outranks the socket error it caused. */
  failure(): Error | undefined;
  close(): void;
}

/** Sends the GET to the pinned address and waits for the response head. */
function open(
  url: URL,
  target: { address: string; family: 4 | 6 },
  options: SafeFetchOptions,
  extraHeaders: Record<string, string> = {},
): Promise<Exchange> {
  const shown = displaySrc(url.href);
  // Node calls `lookup` for names only; IP literals connect directly to the address already checked.
  const pinned: LookupFunction = (_hostname, opts, callback) => {
    if (opts.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise<Exchange>((resolvePromise, reject) => {
    let failure: Error | undefined;
    let res: IncomingMessage | undefined;
    const req = client.request({
      protocol: url.protocol,
      host: url.hostname.replace(/^\[|\]$/g, ""),
      ...(url.port ? { port: Number(url.port) } : {}),
      path: `${url.pathname}${url.search}`,
      method: "GET",
      headers: {
        "user-agent": USER_AGENT,
        accept: "*/*",
        "accept-encoding": "identity",
        ...extraHeaders,
      },
      ...(url.username
        ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` }
        : {}),
      // A pooled keep-alive socket would skip both the pinned lookup and the connect checks.
      agent: false,
      lookup: pinned,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const fail = (e: Error) => {
      failure ??= e;
      clearTimeout(connectTimer);
      req.destroy(e);
      res?.destroy(e);
    };
    const connectTimer = setTimeout(
      () => fail(unreachable(`${shown}: connecting timed out after ${options.connectTimeoutMs} ms`)),
      options.connectTimeoutMs,
    );
    req.once("socket", (socket) => {
      socket.once("connect", () => {
        clearTimeout(connectTimer);
        if (!isAllowedAddress(socket.remoteAddress ?? "", options)) {
          fail(new JobFailure("SOURCE_FORBIDDEN", `${shown}: connected to a private or reserved address`));
          return;
        }
        socket.setTimeout(options.readTimeoutMs, () =>
          fail(unreachable(`${shown} timed out: no data for ${options.readTimeoutMs} ms`)),
        );
      });
    });
    req.once("response", (response) => {
      res = response;
      // Closing early (redirect, error status, size) aborts the body; that is not an error here.
      response.on("error", () => {});
      resolvePromise({
        req,
        res: response,
        failure: () => failure,
        close: () => {
          clearTimeout(connectTimer);
          req.destroy();
        },
      });
    });
    req.on("error", (e) => {
      clearTimeout(connectTimer);
      if (options.signal?.aborted) reject(options.signal.reason);
      else reject(failure ?? unreachable(`${shown}: could not connect (${errorCode(e)})`));
    });
    req.end();
  });
}

/** Streams the body to `destPath`, counting bytes; any failure leaves no partial file behind. */
async function saveBody(exchange: Exchange, destPath: string, shown: string, options: SafeFetchOptions) {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > options.maxBytes) return callback(tooLarge(shown, options.maxBytes));
      try {
        options.onBytes?.(chunk.length);
      } catch (e) {
        return callback(e as Error);
      }
      callback(null, chunk);
    },
  });
  try {
    await pipeline(exchange.res, counter, createWriteStream(destPath));
  } catch (e) {
    exchange.close();
    await rm(destPath, { force: true });
    if (options.signal?.aborted) throw options.signal.reason;
    if (e instanceof JobFailure) throw e;
    throw exchange.failure() ?? unreachable(`${shown}: the download broke off (${errorCode(e)})`);
  }
  exchange.close();
  const failure = exchange.failure();
  if (failure) {
    await rm(destPath, { force: true });
    throw failure;
  }
  return bytes;
}

/**
 * Writes at most `limit` body bytes to `destPath`, then drops the connection; `ended` is true when
 * the body ended within the limit. Any failure leaves no partial file behind.
 */
async function saveHead(
  exchange: Exchange,
  destPath: string,
  shown: string,
  limit: number,
  options: SafeFetchOptions,
): Promise<{ bytes: number; ended: boolean }> {
  let bytes = 0;
  let ended = true;
  const file = await openFile(destPath, "w");
  try {
    for await (const chunk of exchange.res as AsyncIterable<Buffer>) {
      const room = limit - bytes;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      await file.write(part);
      bytes += part.length;
      if (chunk.length >= room) {
        // Exactly at the limit with nothing after it still counts as the end only if the server said so.
        ended = chunk.length === room && exchange.res.complete;
        break;
      }
    }
  } catch (e) {
    exchange.close();
    await file.close();
    await rm(destPath, { force: true });
    if (options.signal?.aborted) throw options.signal.reason;
    if (e instanceof JobFailure) throw e;
    throw exchange.failure() ?? unreachable(`${shown}: the download broke off (${errorCode(e)})`);
  }
  exchange.close();
  await file.close();
  const failure = exchange.failure();
  if (failure) {
    await rm(destPath, { force: true });
    throw failure;
  }
  return { bytes, ended };
}

function withTimeout<T>(promise: Promise<T>, ms: number, signal: AbortSignal | undefined): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error("timed out"), { code: "ETIMEOUT" })), ms);
    const onAbort = () => reject(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    promise.then(resolvePromise, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    });
  });
}

/** Node error codes name the failure without echoing addresses or URLs into job messages. */
function errorCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : e instanceof Error ? e.name : "error";
}

function unreachable(message: string): JobFailure {
  return new JobFailure("SOURCE_UNREACHABLE", message);
}

function tooLarge(shown: string, maxBytes: number): JobFailure {
  return new JobFailure("SOURCE_TOO_LARGE", `${shown} is larger than the ${maxBytes}-byte limit`);
}

/** The fetch options a deployment's config implies for source downloads (worker and dry run alike). */
export function sourceFetchOptions(
  config: Pick<Config, "maxSourceBytes" | "fetch" | "allowPrivateSources">,
  extra: { signal?: AbortSignal | undefined; resolver?: Resolver | undefined } = {},
): SafeFetchOptions {
  return {
    maxBytes: config.maxSourceBytes,
    connectTimeoutMs: config.fetch.connectTimeoutMs,
    readTimeoutMs: config.fetch.readTimeoutMs,
    // http:// and private addresses are one local-development switch, never on in a deployment.
    allowPrivate: config.allowPrivateSources,
    allowHttp: config.allowPrivateSources,
    ...(extra.signal ? { signal: extra.signal } : {}),
    ...(extra.resolver ? { resolver: extra.resolver } : {}),
  };
}
