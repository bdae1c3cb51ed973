import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyResult } from "aws-lambda";
import type { Config } from "../../core/config.js";
import { ApiError } from "../api-error.js";
import type { ApiEvent } from "../api-event.js";
import type { ApiRequest } from "../api-request.js";
import type { AuthForm } from "../auth-forms.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest();

/** Where each form carries the key, and how a message names it. */
const KEY_FORMS: Record<AuthForm, { shown: string; read(api: ApiRequest): string | undefined }> = {
  "x-api-key": { shown: "x-api-key", read: (api) => api.headers["x-api-key"] || undefined },
  bearer: {
    shown: "Authorization: Bearer",
    read: (api) => /^Bearer\s+(\S+)\s*$/i.exec(api.headers.authorization ?? "")?.[1],
  },
};

/**
 * `api-key` mode (local, or a deployment without API Gateway keys): the key comes in one of the
 * forms the route accepts (x-api-key or Authorization: Bearer unless it says otherwise). Hashes
 * are compared so the comparison takes the same time whatever the key's length. `gateway` mode:
 * API Gateway has already checked the key. Either way the request learns who is calling.
 */
export function auth(config: Config): MiddlewareObj<ApiEvent, APIGatewayProxyResult> {
  const expected = config.apiKey === undefined ? undefined : sha256(config.apiKey);
  return {
    before: (request) => {
      const { api, route } = request.event;
      if (route?.definition.public) return;
      if (config.auth === "gateway") {
        const keyId = request.event.requestContext?.identity?.apiKeyId ?? "default";
        api.caller = { principal: `gateway:${keyId}`, via: "gateway" };
        return;
      }
      const forms = route?.definition.auth ?? [];
      const presented = presentedKey(api, forms);
      if (presented === undefined) {
        throw unauthorized(`an API key is required (${forms.map((f) => KEY_FORMS[f].shown).join(" or ")})`);
      }
      const hash = sha256(presented.key);
      if (!expected || !timingSafeEqual(hash, expected)) throw unauthorized("the API key is not valid");
      // A digest prefix, never the key: it scopes Idempotency-Keys per caller.
      api.caller = { principal: `key:${hash.toString("hex").slice(0, 16)}`, via: presented.form };
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

const unauthorized = (message: string) =>
  new ApiError(401, "UNAUTHORIZED", message, undefined, { "WWW-Authenticate": 'Bearer realm="videocraft"' });
