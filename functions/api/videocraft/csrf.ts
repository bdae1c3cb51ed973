import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Config } from "../../core/config.js";
import { ApiError } from "../api-error.js";
import type { ApiRequest } from "../api-request.js";

/**
 * VideoCraft's CSRF tokens, in its format: 32 random bytes and their HMAC-SHA256 under a secret,
 * both hex (128 characters). Its documented clients fetch one before they POST, so the token
 * route always answers. The check itself matters only for credentials a browser sends on its own
 * (cookies), which this API has none of; it runs when VIDEOCRAFT_SECURITY_ENABLE_CSRF asks for it,
 * with the configured secret so that every API instance accepts every token.
 */
const RANDOM_BYTES = 32;
export const CSRF_HEADER = "x-csrf-token";
export const CSRF_TOKEN_SECONDS = 3600;

/** Signs tokens nobody checks when no secret is configured; one per process is enough. */
const processSecret = randomBytes(32).toString("hex");
const secretOf = (config: Config) => config.csrf.secret ?? processSecret;

const sign = (random: Buffer, secret: string) => createHmac("sha256", secret).update(random).digest();

export function issueCsrfToken(config: Config): string {
  const random = randomBytes(RANDOM_BYTES);
  return random.toString("hex") + sign(random, secretOf(config)).toString("hex");
}

/** On a POST or DELETE of a VideoCraft route: 403 without a valid token, when the config asks for the check. */
export function checkCsrf(req: ApiRequest, config: Config): void {
  if (!config.csrf.required || req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS")
    return;
  const token = req.headers[CSRF_HEADER];
  if (!token) {
    throw new ApiError(
      403,
      "FORBIDDEN",
      "CSRF token required for state-changing requests",
      undefined,
      undefined,
      "CSRF_TOKEN_MISSING",
    );
  }
  const match = /^([0-9a-f]{64})([0-9a-f]{64})$/i.exec(token);
  const valid =
    match?.[1] !== undefined &&
    match[2] !== undefined &&
    timingSafeEqual(Buffer.from(match[2], "hex"), sign(Buffer.from(match[1], "hex"), secretOf(config)));
  if (!valid) {
    throw new ApiError(403, "FORBIDDEN", "Invalid CSRF token", undefined, undefined, "CSRF_TOKEN_INVALID");
  }
}
