import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JobFailure, type JobFailureCode } from "../../functions/core/errors.js";
import { isForbiddenAddress } from "../../functions/core/schema/address-policy.js";
import {
  type Resolver,
  type SafeFetchOptions,
  safeFetchToFile,
} from "../../functions/render/pipeline/safe-fetch.js";
import { closeServer } from "../support/close-server.js";

const BODY = randomBytes(20_000);
let server: Server;
let port: number;
let seen: IncomingMessage[] = [];
let dir: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req);
    const url = new URL(req.url ?? "/", "http://x");
    const go = (status: number, location: string) => res.writeHead(status, { location }).end();
    switch (url.pathname) {
      case "/ok":
        return res.writeHead(200, { "content-type": "video/mp4", "content-length": BODY.length }).end(BODY);
      case "/go":
        return go(Number(url.searchParams.get("status") ?? 302), url.searchParams.get("to") ?? "/ok");
      case "/uc": // Google Drive answers a download link with a redirect to the file's host.
        return go(303, "/ok?confirm=t&uuid=1");
      case "/big":
        res.writeHead(200, { "content-length": 10_000_000 });
        return res.write(BODY); // never finishes: the client must stop at the header
      case "/chunked": {
        res.writeHead(200, { "content-type": "application/octet-stream" });
        let sent = 0;
        const pump = () => {
          while (sent < 1_000_000 && !res.destroyed) {
            sent += BODY.length;
            if (!res.write(BODY)) return res.once("drain", pump);
          }
          res.end();
        };
        return pump();
      }
      case "/stall-body":
        res.writeHead(200, { "content-length": 100_000 });
        return res.write(BODY.subarray(0, 1000));
      case "/stall-headers":
        return; // never answers
      default: {
        const chain = /^\/chain\/(\d+)$/.exec(url.pathname);
        // `/chain/n` is n redirects away from `/ok`.
        if (chain) return go(301, Number(chain[1]) > 1 ? `/chain/${Number(chain[1]) - 1}` : "/ok");
        const status = /^\/status\/(\d+)$/.exec(url.pathname);
        return res.writeHead(status ? Number(status[1]) : 404).end("nope");
      }
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await closeServer(server);
});

beforeEach(async () => {
  seen = [];
  dir = await mkdtemp(join(tmpdir(), "safe-fetch-"));
  return () => rm(dir, { recursive: true, force: true });
});

/** A fake DNS: names map to fixed answers, every call is recorded. */
function fakeDns(table: Record<string, string[] | (() => string[])>) {
  const calls: string[] = [];
  const resolver: Resolver = async (hostname) => {
    calls.push(hostname);
    const entry = table[hostname];
    if (!entry) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return (typeof entry === "function" ? entry() : entry).map((address) => ({
      address,
      family: address.includes(":") ? 6 : 4,
    }));
  };
  return { resolver, calls };
}

const strict = (extra: Partial<SafeFetchOptions> = {}): SafeFetchOptions => ({
  maxBytes: 1_000_000,
  connectTimeoutMs: 2000,
  readTimeoutMs: 2000,
  allowPrivate: false,
  allowHttp: true,
  resolver: fakeDns({ localhost: ["127.0.0.1"] }).resolver,
  ...extra,
});
const dev = (extra: Partial<SafeFetchOptions> = {}) => strict({ allowPrivate: true, ...extra });

async function failure(p: Promise<unknown>, code: JobFailureCode, message?: RegExp): Promise<JobFailure> {
  const e = await p.then(
    () => expect.unreachable("the fetch succeeded"),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(JobFailure);
  const f = e as JobFailure;
  expect(f.code, f.message).toBe(code);
  if (message) expect(f.message).toMatch(message);
  return f;
}

describe("isForbiddenAddress", () => {
  it.each([
    "127.0.0.1",
    "127.8.9.10",
    "0.0.0.0",
    "10.1.2.3",
    "100.64.0.1",
    "169.254.169.254",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "192.0.2.10",
    "198.18.0.1",
    "224.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "::ffff:127.0.0.1",
    "::ffff:a9fe:a9fe",
    "64:ff9b::a9fe:a9fe",
    "64:ff9b::10.0.0.1",
    "fe80::1",
    "fe80::1%eth0",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "2001:db8::1",
    "2002:7f00:1::1",
    "[::1]",
    "not-an-ip",
  ])("blocks %s", (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each([
    "93.184.216.34",
    "8.8.8.8",
    "172.32.0.1",
    "::ffff:93.184.216.34",
    "64:ff9b::8.8.8.8",
    "2606:2800:220:1:248:1893:25c8:1946",
  ])("allows %s", (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });
});

describe("safeFetchToFile refuses internal addresses before connecting", () => {
  it.each([
    (p: number) => `http://127.0.0.1:${p}/ok`,
    (p: number) => `http://localhost:${p}/ok`,
    (p: number) => `http://0.0.0.0:${p}/ok`,
    (p: number) => `http://[::1]:${p}/ok`,
    (p: number) => `http://[::ffff:127.0.0.1]:${p}/ok`,
    (p: number) => `http://[64:ff9b::7f00:1]:${p}/ok`,
    (p: number) => `http://2130706433:${p}/ok`,
    (p: number) => `http://0x7f.1:${p}/ok`,
    (p: number) => `http://017700000001:${p}/ok`,
    () => "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    () => "http://10.0.0.1/a.mp4",
    () => "http://172.16.0.1/a.mp4",
    () => "http://192.168.1.1/a.mp4",
    () => "http://100.64.0.1/a.mp4",
    () => "https://[fe80::1]/a.mp4",
  ])("%#: %s", async (make) => {
    const url = make(port);
    await failure(
      safeFetchToFile(url, join(dir, "out"), strict()),
      "SOURCE_FORBIDDEN",
      /private or reserved/,
    );
    expect(seen).toHaveLength(0);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  it("refuses a public-looking name that resolves to loopback", async () => {
    const dns = fakeDns({ "media.example.com": ["127.0.0.1"] });
    await failure(
      safeFetchToFile(
        `http://media.example.com:${port}/ok`,
        join(dir, "out"),
        strict({ resolver: dns.resolver }),
      ),
      "SOURCE_FORBIDDEN",
      /media\.example\.com resolves to 127\.0\.0\.1/,
    );
    expect(seen).toHaveLength(0);
  });

  it("refuses a name when any one of its addresses is internal", async () => {
    const dns = fakeDns({ "mixed.example.com": ["93.184.216.34", "10.0.0.7"] });
    await failure(
      safeFetchToFile(
        "https://mixed.example.com/a.mp4",
        join(dir, "out"),
        strict({ resolver: dns.resolver }),
      ),
      "SOURCE_FORBIDDEN",
    );
  });

  it("connects only to the address it validated (DNS rebinding)", async () => {
    let n = 0;
    const dns = fakeDns({ "rebind.example.com": () => (n++ === 0 ? ["93.184.216.34"] : ["127.0.0.1"]) });
    // The public address is unreachable from the test machine; had the client looked the name up
    // again when connecting it would have reached the local server instead.
    await failure(
      safeFetchToFile(
        `http://rebind.example.com:${port}/ok`,
        join(dir, "out"),
        strict({ resolver: dns.resolver, connectTimeoutMs: 300 }),
      ),
      "SOURCE_UNREACHABLE",
    );
    expect(dns.calls).toEqual(["rebind.example.com"]);
    expect(seen).toHaveLength(0);
  });

  it("pins the connection to the checked answer even when later answers differ", async () => {
    let n = 0;
    const dns = fakeDns({ "allowed.test": () => (n++ === 0 ? ["127.0.0.1"] : ["169.254.169.254"]) });
    const opts = strict({ resolver: dns.resolver, extraAllowedAddresses: ["127.0.0.1"] });
    const r = await safeFetchToFile(`http://allowed.test:${port}/ok`, join(dir, "out"), opts);
    expect(r.bytes).toBe(BODY.length);
    expect(dns.calls).toEqual(["allowed.test"]);
    expect(seen[0]?.headers.host).toBe(`allowed.test:${port}`);
  });

  it("refuses plain http unless allowed, without resolving", async () => {
    const dns = fakeDns({ "cdn.example.com": ["93.184.216.34"] });
    await failure(
      safeFetchToFile(
        "http://cdn.example.com/a.mp4",
        join(dir, "out"),
        strict({ allowHttp: false, resolver: dns.resolver }),
      ),
      "SOURCE_FORBIDDEN",
      /plain http/,
    );
    expect(dns.calls).toEqual([]);
  });
});

describe("safeFetchToFile checks every redirect hop", () => {
  const allowed = (extra: Partial<SafeFetchOptions> = {}) =>
    strict({
      resolver: fakeDns({ "allowed.test": ["127.0.0.1"], "internal.corp": ["10.20.30.40"] }).resolver,
      extraAllowedAddresses: ["127.0.0.1"],
      ...extra,
    });
  const hop = (to: string, status = 302) =>
    `http://allowed.test:${port}/go?to=${encodeURIComponent(to)}&status=${status}`;

  it.each([
    ["http://169.254.169.254/latest/meta-data", 302],
    ["http://169.254.169.254/latest/meta-data", 307],
    ["http://[::ffff:169.254.169.254]/latest/meta-data", 301],
    ["http://internal.corp/admin", 303],
    ["http://3232235777/", 308], // 192.168.1.1 in decimal
  ])("refuses a redirect to %s (%i)", async (to, status) => {
    await failure(safeFetchToFile(hop(to, status), join(dir, "out"), allowed()), "SOURCE_FORBIDDEN");
    expect(seen).toHaveLength(1);
  });

  it("refuses a redirect to another scheme", async () => {
    await failure(
      safeFetchToFile(hop("file:///etc/passwd"), join(dir, "out"), allowed()),
      "SOURCE_FORBIDDEN",
      /file scheme/,
    );
    await failure(
      safeFetchToFile(hop("ftp://allowed.test/x"), join(dir, "out"), allowed()),
      "SOURCE_FORBIDDEN",
    );
  });

  it("follows a relative redirect to an allowed host", async () => {
    const r = await safeFetchToFile(hop("ok?sig=1"), join(dir, "out"), allowed());
    expect(r.finalUrl).toBe(`http://allowed.test:${port}/ok?sig=1`);
    expect(await readFile(join(dir, "out"))).toEqual(BODY);
  });
});

describe("safeFetchToFile with private sources allowed (local mode)", () => {
  const base = () => `http://127.0.0.1:${port}`;

  it("writes the exact bytes", async () => {
    const r = await safeFetchToFile(`${base()}/ok`, join(dir, "out.mp4"), dev());
    expect(r).toEqual({ bytes: BODY.length, contentType: "video/mp4", finalUrl: `${base()}/ok` });
    expect(await readFile(join(dir, "out.mp4"))).toEqual(BODY);
  });

  it("follows Google Drive style download redirects", async () => {
    const r = await safeFetchToFile(`${base()}/uc?export=download&id=abc`, join(dir, "out"), dev());
    expect(r.finalUrl).toBe(`${base()}/ok?confirm=t&uuid=1`);
    expect(r.bytes).toBe(BODY.length);
  });

  it("refuses a declared Content-Length over the cap without reading the body", async () => {
    await failure(
      safeFetchToFile(`${base()}/big`, join(dir, "out"), dev({ maxBytes: 50_000 })),
      "SOURCE_TOO_LARGE",
    );
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  it("stops a chunked body at the cap and removes the partial file", async () => {
    await failure(
      safeFetchToFile(`${base()}/chunked`, join(dir, "out"), dev({ maxBytes: 64_000 })),
      "SOURCE_TOO_LARGE",
      /64000-byte limit/,
    );
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  // The read timeout is the behaviour: the message names the one that fired, and the bound only
  // shows the fetch did not wait for anything longer (the test's own timeout), with room for a
  // loaded machine.
  it("gives up on a server that stalls mid-body", async () => {
    const started = Date.now();
    await failure(
      safeFetchToFile(`${base()}/stall-body`, join(dir, "out"), dev({ readTimeoutMs: 300 })),
      "SOURCE_UNREACHABLE",
      /timed out: no data for 300 ms/,
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  it("gives up on a server that never answers", async () => {
    const started = Date.now();
    await failure(
      safeFetchToFile(`${base()}/stall-headers`, join(dir, "out"), dev({ readTimeoutMs: 300 })),
      "SOURCE_UNREACHABLE",
      /timed out: no data for 300 ms/,
    );
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("reports a closed port as unreachable", async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const closed = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    await failure(
      safeFetchToFile(`http://127.0.0.1:${closed}/a.mp4`, join(dir, "out"), dev()),
      "SOURCE_UNREACHABLE",
      /ECONNREFUSED/,
    );
  });

  it("reports an unknown host as unreachable", async () => {
    await failure(
      safeFetchToFile("https://nowhere.invalid/a.mp4", join(dir, "out"), dev()),
      "SOURCE_UNREACHABLE",
      /could not resolve nowhere\.invalid/,
    );
  });

  it("names the status of an error response", async () => {
    await failure(
      safeFetchToFile(`${base()}/status/404`, join(dir, "out"), dev()),
      "SOURCE_UNREACHABLE",
      /HTTP 404/,
    );
    await failure(
      safeFetchToFile(`${base()}/status/500`, join(dir, "out"), dev()),
      "SOURCE_UNREACHABLE",
      /HTTP 500/,
    );
    await failure(
      safeFetchToFile(`${base()}/status/403`, join(dir, "out"), dev()),
      "SOURCE_UNREACHABLE",
      /forbidden by origin \(HTTP 403\)/,
    );
  });

  it("stops after maxRedirects", async () => {
    const r = await safeFetchToFile(`${base()}/chain/3`, join(dir, "out"), dev({ maxRedirects: 3 }));
    expect(r.bytes).toBe(BODY.length);
    await failure(
      safeFetchToFile(`${base()}/chain/4`, join(dir, "out"), dev({ maxRedirects: 3 })),
      "SOURCE_UNREACHABLE",
      /more than 3 redirects/,
    );
    await failure(safeFetchToFile(`${base()}/chain/6`, join(dir, "out"), dev()), "SOURCE_UNREACHABLE");
  });

  it("keeps query strings (signatures) out of messages", async () => {
    const f = await failure(
      safeFetchToFile(`${base()}/status/404?X-Amz-Signature=secret&token=secret`, join(dir, "out"), dev()),
      "SOURCE_UNREACHABLE",
    );
    expect(f.message).not.toContain("secret");
    expect(f.message).toContain(`${base()}/status/404`);
    const g = await failure(
      safeFetchToFile(`http://169.254.169.254/x?X-Amz-Signature=secret`, join(dir, "out"), strict()),
      "SOURCE_FORBIDDEN",
    );
    expect(g.message).not.toContain("secret");
  });

  it("stops when the caller aborts", async () => {
    const controller = new AbortController();
    const reason = new Error("job cancelled");
    // Aborted once the server has the request, mid-transfer; no timeout could end it first.
    server.once("request", () => setImmediate(() => controller.abort(reason)));
    const e = await safeFetchToFile(
      `${base()}/stall-body`,
      join(dir, "out"),
      dev({ signal: controller.signal, readTimeoutMs: 600_000, connectTimeoutMs: 600_000 }),
    ).catch((err: unknown) => err);
    expect(e).toBe(reason);
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});
