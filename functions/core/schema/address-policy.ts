import { BlockList, isIP, isIPv4 } from "node:net";
import { JobFailure } from "../errors.js";
import { displaySrc } from "./source-policy.js";

/**
 * Which URLs and addresses a user-given source may be fetched from: the part of the SSRF defence
 * that decides, kept apart from the HTTP code that enforces it (safe-fetch.ts). A source must
 * never reach anything inside the network the worker runs in: cloud metadata, VPC-internal
 * services, localhost.
 *
 * - Scheme: https only; plain http only with the local-development switch.
 * - Address: every address a host resolves to must be public (not in the reserved ranges below,
 *   and for IPv6 inside global unicast); the fetcher then connects to exactly the address checked
 *   and re-checks the socket's peer, so DNS rebinding cannot slip past.
 * - Exceptions: the local-development switch lets every address through; tests may name exact
 *   addresses to let through while every other private address stays blocked.
 */
export interface AddressPolicy {
  /** Skip the address checks (local development against sources on localhost). */
  allowPrivate: boolean;
  allowHttp: boolean;
  /**
   * Exact addresses let through although reserved, for tests and local setups that need one
   * known loopback server while every other private address stays blocked. Never set on AWS.
   */
  extraAllowedAddresses?: readonly string[];
}

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

/** Whether the policy lets a connection to `address` through (its exceptions included). */
export function isAllowedAddress(address: string, policy: AddressPolicy): boolean {
  return (
    policy.allowPrivate ||
    policy.extraAllowedAddresses?.includes(address) === true ||
    !isForbiddenAddress(address)
  );
}

/** Refuses a URL whose scheme the policy does not allow (SOURCE_FORBIDDEN). */
export function checkScheme(url: URL, policy: AddressPolicy): void {
  if (url.protocol === "https:" || (url.protocol === "http:" && policy.allowHttp)) return;
  throw new JobFailure(
    "SOURCE_FORBIDDEN",
    `${displaySrc(url.href)}: ${url.protocol === "http:" ? "plain http" : `the ${url.protocol.slice(0, -1)} scheme`} is not allowed`,
  );
}

/**
 * Refuses a host when any address it resolved to is not allowed (SOURCE_FORBIDDEN): one private
 * answer among public ones is enough, since the connection could be steered to it.
 */
export function checkResolvedAddresses(
  url: URL,
  addresses: readonly { address: string }[],
  policy: AddressPolicy,
): void {
  const bad = addresses.find((a) => !isAllowedAddress(a.address, policy));
  if (!bad) return;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  throw new JobFailure(
    "SOURCE_FORBIDDEN",
    `${displaySrc(url.href)}: ${isIP(host) ? "the address" : `${host} resolves to`} ${bad.address}, a private or reserved address`,
  );
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
