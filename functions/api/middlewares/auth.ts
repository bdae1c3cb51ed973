import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyResult } from "aws-lambda";
import type { Config } from "../../core/config.js";
import { ApiError } from "../api-error.js";
import type { ApiEvent } from "../api-event.js";
import type { ApiRequest } from "../api-request.js";
import { API_KEY_QUERY_PARAMETER, type AuthForm } from "../auth-forms.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest();

/** The principal an `api-key` mode key stands for: a digest prefix, never the key. */
const principalOfDigest = (digest: Buffer) => `key:${digest.toString("hex").slice(0, 16)}`;
export const principalOfKey = (key: string): string => principalOfDigest(sha256(key));
const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Where each form carries the key, and how a message names it. */
const KEY_FORMS: Record<AuthForm, { shown: string; read(api: ApiRequest): string | undefined }> = {
  "x-api-key": { shown: "x-api-key", read: (api) => api.headers["x-api-key"] || undefined },
  bearer: {
    shown: "Authorization: Bearer",
    read: (api) => BEARER.exec(api.headers.authorization ?? "")?.[1],
  },
  authorization: {
    shown: "Authorization",
    read: (api) => {
      const value = api.headers.authorization?.trim();
      return value && !/^Bearer\s/i.test(value) ? value : undefined;
    },
  },
  query: {
    shown: `?${API_KEY_QUERY_PARAMETER}=`,
    read: (api) => api.query[API_KEY_QUERY_PARAMETER] || undefined,
  },
};

/**
 * `api-key` mode (local, or a deployment without API Gateway keys): the key comes in one of the
 * forms the route accepts and must be one of the configured keys. Digests are compared, against
 * every key, so the comparison takes the same time whatever the key's length or which key it is.
 * `gateway` mode: API Gateway has already checked the key, and its key id names the caller; a
 * request without one is refused, since callers that cannot be told apart would share their jobs.
 * Either way the request learns who is calling, never the key itself.
 */
export function auth(config: Config): MiddlewareObj<ApiEvent, APIGatewayProxyResult> {
  const expected = config.apiKeys.map(sha256);
  return {
    before: (request) => {
      const { api, route } = request.event;
      if (route?.definition.public) return;
      if (config.auth === "gateway") {
        const keyId = request.event.requestContext?.identity?.apiKeyId;
        if (!keyId)
          throw unauthorized("API Gateway passed no API key id for this request", "MISSING_API_KEY");
        api.caller = { principal: `gateway:${keyId}`, via: "gateway" };
        return;
      }
      const forms = route?.definition.auth ?? [];
      const presented = presentedKey(api, forms);
      if (presented === undefined) {
        throw unauthorized(
          `an API key is required (${forms.map((f) => KEY_FORMS[f].shown).join(" or ")})`,
          "MISSING_API_KEY",
        );
      }
      const hash = sha256(presented.key);
      const matches = expected.map((key) => timingSafeEqual(hash, key));
      if (!matches.includes(true)) throw unauthorized("the API key is not valid", "INVALID_API_KEY");
      // It names the caller's jobs and Idempotency-Keys.
      api.caller = { principal: principalOfDigest(hash), via: presented.form };
    },
  };
}

function presentedKey(
  api: ApiRequest,
  forms: readonly AuthForm[],
): { key: string; form: AuthForm } | undefined {
  for (const form of forms) {
    const key = KEY_FORMS[form].read(api);
    if (key !== undefined) return { key, form };
  }
  return undefined;
}

const unauthorized = (message: string, reason: "MISSING_API_KEY" | "INVALID_API_KEY") =>
  new ApiError(
    401,
    "UNAUTHORIZED",
    message,
    undefined,
    { "WWW-Authenticate": 'Bearer realm="videocraft"' },
    reason,
  );
