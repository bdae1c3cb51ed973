import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { decodeUrlComponentOrKeep } from "../functions/api/decode-url-component.js";

/**
 * Server-side check of AWS Signature Version 4, for the embedded emulator: it accepts a request
 * only when it was signed with the secret of this run, either in the `Authorization` header (what
 * the SDK clients send) or in the query string (presigned URLs). The canonical request is built the
 * way the SDK's signer builds it (docs: "Create a signed AWS API request"), so whatever our clients
 * sign verifies and anything else is refused.
 */

export interface SignedRequest {
  method: string;
  /** Path and query exactly as received (still percent-encoded). */
  url: string;
  headers: IncomingHttpHeaders;
}

export type SigV4Failure = {
  ok: false;
  /** S3's code for the refusal: AccessDenied (unsigned), SignatureDoesNotMatch, RequestTimeTooSkewed, … */
  code: string;
  message: string;
};

/** What a well-formed signature claims; verify it with `verifySignature`. */
export interface SigV4Claim {
  ok: true;
  presigned: boolean;
  accessKeyId: string;
  /** `yyyymmdd/region/service/aws4_request`. */
  scope: string;
  service: string;
  amzDate: string;
  signedHeaders: string[];
  signature: string;
  /** The payload hash the signer declared, or undefined when it must be computed from the body. */
  declaredPayloadHash: string | undefined;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
/** S3 and SQS refuse requests whose clock differs from theirs by more than this. */
const MAX_SKEW_MS = 15 * 60 * 1000;
/** A presigned URL may live at most 7 days. */
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
/** The payload of these requests is sent unsigned (trailing checksums only), like UNSIGNED-PAYLOAD. */
const UNSIGNED_STREAMING = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

const fail = (code: string, message: string): SigV4Failure => ({ ok: false, code, message });

/**
 * Reads the signature's claims from the header or the query and checks what needs no secret and no
 * body: algorithm, scope shape, access key, clock skew and expiry.
 */
export function readSigV4Claim(
  req: SignedRequest,
  expectedAccessKeyId: string,
  now: Date,
): SigV4Claim | SigV4Failure {
  const query = parseQuery(queryOf(req.url));
  const authorization = header(req.headers, "authorization");
  const presigned = query.has("X-Amz-Signature");
  if (!authorization && !presigned) return fail("AccessDenied", "request is not signed");
  if (authorization && presigned) return fail("InvalidArgument", "signed in both the header and the query");

  let credential: string;
  let signedHeaders: string;
  let signature: string;
  let amzDate: string;
  let expiresSeconds: number | undefined;
  if (presigned) {
    if (first(query, "X-Amz-Algorithm") !== ALGORITHM)
      return fail("AuthorizationQueryParametersError", `X-Amz-Algorithm must be ${ALGORITHM}`);
    credential = first(query, "X-Amz-Credential") ?? "";
    signedHeaders = first(query, "X-Amz-SignedHeaders") ?? "";
    signature = first(query, "X-Amz-Signature") ?? "";
    amzDate = first(query, "X-Amz-Date") ?? "";
    expiresSeconds = Number(first(query, "X-Amz-Expires"));
    if (!Number.isInteger(expiresSeconds) || expiresSeconds < 1 || expiresSeconds > MAX_EXPIRES_SECONDS)
      return fail("AuthorizationQueryParametersError", "X-Amz-Expires must be 1 to 604800 seconds");
  } else {
    const match =
      /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)\s*$/.exec(
        authorization ?? "",
      );
    if (!match) return fail("AccessDenied", `the Authorization header is not an ${ALGORITHM} signature`);
    [, credential = "", signedHeaders = "", signature = ""] = match;
    amzDate = header(req.headers, "x-amz-date") ?? "";
  }

  const [accessKeyId, date, region, service, terminator, ...rest] = credential.split("/");
  if (!accessKeyId || !date || !region || !service || terminator !== "aws4_request" || rest.length > 0)
    return fail("AuthorizationHeaderMalformed", "the credential is not key/date/region/service/aws4_request");
  if (accessKeyId !== expectedAccessKeyId)
    return fail("InvalidAccessKeyId", "the access key id does not exist in our records");
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined || !amzDate.startsWith(date))
    return fail("AccessDenied", "X-Amz-Date is missing, malformed or outside the credential's date");
  if (presigned) {
    if (signedAt - now.getTime() > MAX_SKEW_MS) return fail("AccessDenied", "request is not valid yet");
    if (now.getTime() > signedAt + (expiresSeconds ?? 0) * 1000)
      return fail("AccessDenied", "request has expired");
  } else if (Math.abs(now.getTime() - signedAt) > MAX_SKEW_MS) {
    return fail("RequestTimeTooSkewed", "the request time differs too much from the server's");
  }
  const headerNames = signedHeaders.split(";");
  if (!headerNames.includes("host")) return fail("AccessDenied", "the host header must be signed");
  const declared = presigned
    ? (first(query, "X-Amz-Content-Sha256") ??
      header(req.headers, "x-amz-content-sha256") ??
      UNSIGNED_PAYLOAD)
    : header(req.headers, "x-amz-content-sha256");
  return {
    ok: true,
    presigned,
    accessKeyId,
    scope: `${date}/${region}/${service}/aws4_request`,
    service,
    amzDate,
    signedHeaders: headerNames,
    signature,
    declaredPayloadHash: declared,
  };
}

/** Whether the declared payload hash leaves the body to be hashed and compared by the caller. */
export function payloadIsSigned(claim: SigV4Claim): boolean {
  const declared = claim.declaredPayloadHash;
  return declared === undefined || /^[0-9a-f]{64}$/.test(declared);
}

/**
 * Recomputes the signature with `secret` and compares it. `bodySha256` is the hex SHA-256 of the
 * body received; it is required when `payloadIsSigned(claim)`, and must then match what was signed.
 */
export function verifySignature(
  req: SignedRequest,
  claim: SigV4Claim,
  secret: string,
  bodySha256?: string,
): { ok: true } | SigV4Failure {
  const declared = claim.declaredPayloadHash;
  let payloadHash: string;
  if (payloadIsSigned(claim)) {
    if (bodySha256 === undefined)
      throw new Error("verifySignature: the body's hash is needed for this request");
    if (declared !== undefined && declared !== bodySha256)
      return fail("XAmzContentSHA256Mismatch", "the body does not match x-amz-content-sha256");
    payloadHash = declared ?? bodySha256;
  } else if (declared === UNSIGNED_PAYLOAD || declared === UNSIGNED_STREAMING) {
    payloadHash = declared;
  } else {
    return fail("NotImplemented", `payload signing mode ${declared} is not supported here`);
  }

  const canonical = canonicalRequest(req, claim, payloadHash);
  if (canonical === undefined) return fail("AccessDenied", "a signed header is missing from the request");
  const stringToSign = [ALGORITHM, claim.amzDate, claim.scope, sha256Hex(canonical)].join("\n");
  const expected = createHmac("sha256", signingKey(secret, claim.scope)).update(stringToSign).digest();
  const given = Buffer.from(claim.signature, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return fail(
      "SignatureDoesNotMatch",
      "the request signature we calculated does not match the signature you provided",
    );
  return { ok: true };
}

export const sha256Hex = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

function canonicalRequest(req: SignedRequest, claim: SigV4Claim, payloadHash: string): string | undefined {
  const rawPath = req.url.split("?")[0] || "/";
  const names = [...claim.signedHeaders].sort();
  const headerLines: string[] = [];
  for (const name of names) {
    const value = header(req.headers, name);
    if (value === undefined) return undefined;
    headerLines.push(`${name}:${value.trim().replace(/\s+/g, " ")}\n`);
  }
  return [
    req.method.toUpperCase(),
    // S3 signs the path as sent; other services sign it normalised and encoded once more.
    claim.service === "s3" ? rawPath : canonicalPath(rawPath),
    canonicalQuery(parseQuery(queryOf(req.url))),
    headerLines.join(""),
    names.join(";"),
    payloadHash,
  ].join("\n");
}

function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const normalised = `/${segments.join("/")}${segments.length > 0 && path.endsWith("/") ? "/" : ""}`;
  return escapeUri(normalised).replace(/%2F/g, "/");
}

function canonicalQuery(query: Map<string, string[]>): string {
  const parts: string[] = [];
  for (const [key, values] of query) {
    if (key.toLowerCase() === "x-amz-signature") continue;
    const k = escapeUri(key);
    parts.push(
      values
        .map((v) => `${k}=${escapeUri(v)}`)
        .sort()
        .join("&"),
    );
  }
  return parts.sort().join("&");
}

const signingKeys = new Map<string, Buffer>();

/** kSigning = HMAC chain over date, region, service; cached per secret and scope (one per day). */
function signingKey(secret: string, scope: string): Buffer {
  const cacheKey = `${sha256Hex(secret)}/${scope}`;
  const cached = signingKeys.get(cacheKey);
  if (cached) return cached;
  const [date, region, service] = scope.split("/");
  let key = createHmac("sha256", `AWS4${secret}`)
    .update(date ?? "")
    .digest();
  for (const part of [region, service, "aws4_request"])
    key = createHmac("sha256", key)
      .update(part ?? "")
      .digest();
  if (signingKeys.size > 64) signingKeys.clear();
  signingKeys.set(cacheKey, key);
  return key;
}

/** RFC 3986 encoding, as SigV4 requires (encodeURIComponent leaves !'()* alone). */
function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function queryOf(url: string): string {
  const at = url.indexOf("?");
  return at === -1 ? "" : url.slice(at + 1);
}

/** Raw query → decoded name → values, in order; `+` stays a plus, as in the SDK's encoding. */
function parseQuery(raw: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pair of raw.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = decodeUrlComponentOrKeep(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? "" : decodeUrlComponentOrKeep(pair.slice(eq + 1));
    out.set(key, [...(out.get(key) ?? []), value]);
  }
  return out;
}

function first(query: Map<string, string[]>, name: string): string | undefined {
  return query.get(name)?.[0];
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(",") : value;
}

/** `20240131T235959Z` → epoch ms. */
function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}
