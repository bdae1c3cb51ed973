import { promises as dns, type LookupAddress } from "node:dns";
import { createWriteStream } from "node:fs";
import { open as openFile, rm, writeFile } from "node:fs/promises";
import http, { type ClientRequest, type IncomingMessage } from "node:http";
import https from "node:https";
import { BlockList, isIP, isIPv4, type LookupFunction } from "node:net";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Config } from "../../core/config.js";
import { JobFailure } from "../../core/errors.js";
import { displaySrc } from "../../core/schema/source-policy.js";

/**
 * Downloads a user-given http(s) URL to a file without letting it reach anything inside the
 * network the worker runs in (SSRF, SPEC §1): cloud metadata, VPC-internal services, localhost.
 *
 * The fetcher resolves every hop's host itself, refuses the hop when any resolved address is
 * private or reserved, and then connects to exactly the address it checked (a pinned `lookup`),
 * so a DNS answer that changes between check and connect (rebinding) cannot redirect the socket.
 * Redirects are followed by hand so that each hop goes through the same checks.
 */

export type Resolver = (hostname: string) => Promise<{ address: string; family: 4 | 6 }[]>;

export interface SafeFetchOptions {
  maxBytes: number;
  connectTimeoutMs: number;
  /** Longest silence while waiting for headers or body bytes. */
  readTimeoutMs: number;
  /** Skip the address checks (local development against sources on localhost). */
  allowPrivate: boolean;
  allowHttp: boolean;
  /** @default 5 */
  maxRedirects?: number;
  /** @default the system resolver (dns.lookup, all addresses) */
  resolver?: Resolver;
  signal?: AbortSignal;
  /**
   * Exact addresses let through although reserved, for tests and local setups that need one
   * known loopback server while every other private address stays blocked. Never set on AWS.
   */
  extraAllowedAddresses?: readonly string[];
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

// IANA special-purpose registries; addresses here are never a public media host.
const reserved = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // CGNAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  reserved.addSubnet(net, bits, "ipv4");
}
for (const [net, bits] of [
  ["::", 96], // unspecified, loopback, deprecated IPv4-compatible
  ["::ffff:0:0:0", 96], // IPv4-translated (SIIT)
  ["64:ff9b:1::", 48], // local-use NAT64
  ["100::", 64], // discard
  ["2001::", 23], // IETF protocol assignments (Teredo, benchmarking, ORCHID)
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4: the embedded IPv4 could be anything
  ["3fff::", 20], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const) {
  reserved.addSubnet(net, bits, "ipv6");
}
// Only global unicast IPv6 can be a public host; everything outside it is refused even if unlisted.
const globalUnicast = new BlockList();
globalUnicast.addSubnet("2000::", 3, "ipv6");

/** True for addresses a source may not be fetched from; anything that is not an IP counts as one. */
export function isForbiddenAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (isIPv4(bare)) return reserved.check(bare, "ipv4");
  const hextets = isIP(bare) === 6 ? parseIpv6(bare) : undefined;
  if (!hextets) return true;
  const v4 = embeddedIpv4(hextets);
  if (v4) return isForbiddenAddress(v4);
  return reserved.check(bare, "ipv6") || !globalUnicast.check(bare, "ipv6");
}

/** Eight 16-bit groups of a valid IPv6 text (caller checked it with net.isIP). */
function parseIpv6(text: string): number[] | undefined {
  let s = text;
  const lastColon = s.lastIndexOf(":");
  const tail = s.slice(lastColon + 1);
  if (tail.includes(".")) {
    const b = tail.split(".").map(Number);
    s = `${s.slice(0, lastColon + 1)}${(((b[0] ?? 0) << 8) | (b[1] ?? 0)).toString(16)}:${(((b[2] ?? 0) << 8) | (b[3] ?? 0)).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  const groups = [...head, ...Array<string>(Math.max(fill, 0)).fill("0"), ...rest].map((g) =>
    Number.parseInt(g, 16),
  );
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : undefined;
}

/** The IPv4 address an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) address reaches. */
function embeddedIpv4(h: number[]): string | undefined {
  const zeros = (from: number, to: number) => h.slice(from, to).every((g) => g === 0);
  const mapped = zeros(0, 5) && h[5] === 0xffff;
  const nat64 = h[0] === 0x64 && h[1] === 0xff9b && zeros(2, 6);
  if (!mapped && !nat64) return undefined;
  const [hi = 0, lo = 0] = h.slice(6);
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join(".");
}

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

function checkScheme(url: URL, options: SafeFetchOptions): void {
  if (url.protocol === "https:" || (url.protocol === "http:" && options.allowHttp)) return;
  throw new JobFailure(
    "SOURCE_FORBIDDEN",
    `${displaySrc(url.href)}: ${url.protocol === "http:" ? "plain http" : `the ${url.protocol.slice(0, -1)} scheme`} is not allowed`,
  );
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
  if (!options.allowPrivate) {
    const bad = addresses.find((a) => isForbidden(a.address, options));
    if (bad) {
      throw new JobFailure(
        "SOURCE_FORBIDDEN",
        `${shown}: ${literal ? "the address" : `${host} resolves to`} ${bad.address}, a private or reserved address`,
      );
    }
  }
  return addresses[0]!;
}

function isForbidden(address: string, options: SafeFetchOptions): boolean {
  return !options.extraAllowedAddresses?.includes(address) && isForbiddenAddress(address);
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
        if (!options.allowPrivate && isForbidden(socket.remoteAddress ?? "", options)) {
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
