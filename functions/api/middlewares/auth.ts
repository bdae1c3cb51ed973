import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyResult } from "aws-lambda";
import type { Config } from "../../core/config.js";
import { ApiError } from "../../core/errors.js";
import type { ApiEvent, ApiRequest } from "../api-request.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest();

/**
 * `api-key` mode (local, or a deployment without API Gateway keys): the key comes as `x-api-key`
 * or `Authorization: Bearer`. Hashes are compared so the comparison takes the same time whatever
 * the key's length. `gateway` mode: API Gateway has already checked the key.
 */
export function auth(config: Config): MiddlewareObj<ApiEvent, APIGatewayProxyResult> {
  const expected = config.apiKey === undefined ? undefined : sha256(config.apiKey);
  return {
    before: (request) => {
      const api = request.event.api;
      if (api.route?.public) return;
      if (config.auth === "gateway") {
        api.principal = `gateway:${request.event.requestContext?.identity?.apiKeyId ?? "default"}`;
        return;
      }
      const presented = presentedKey(api);
      if (presented === undefined)
        throw unauthorized("an API key is required (x-api-key or Authorization: Bearer)");
      const hash = sha256(presented);
      if (!expected || !timingSafeEqual(hash, expected)) throw unauthorized("the API key is not valid");
      // A digest prefix, never the key: it scopes Idempotency-Keys per caller.
      api.principal = `key:${hash.toString("hex").slice(0, 16)}`;
    },
  };
}

function presentedKey(api: ApiRequest): string | undefined {
  const header = api.headers["x-api-key"];
  if (header) return header;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(api.headers.authorization ?? "");
  return m?.[1];
}

const unauthorized = (message: string) =>
  new ApiError(401, "UNAUTHORIZED", message, undefined, { "WWW-Authenticate": 'Bearer realm="videocraft"' });
