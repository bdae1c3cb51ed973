import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyResult } from "aws-lambda";
import { ApiError } from "../api-error.js";
import type { ApiEvent } from "../api-event.js";
import { checkJsonSyntax } from "../json-syntax.js";

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_JSON_DEPTH = 64;

/**
 * `application/json` or any `application/<x>+json`, with parameters (charset) or without. A body
 * sent without the header is taken as JSON too: many clients leave it out and mean nothing else.
 */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;

/**
 * For routes that take JSON: refuses other media types (a form or a text body is not what the
 * client meant to send), enforces the 1 MiB limit (declared or actual), decodes base64 bodies,
 * and checks syntax and depth before parsing so that a bad body gets its position.
 */
export function jsonBody(): MiddlewareObj<ApiEvent, APIGatewayProxyResult> {
  return {
    before: (request) => {
      const { api, body, isBase64Encoded, route } = request.event;
      if (!route?.definition.json) return;
      const contentType = api.headers["content-type"];
      if (contentType !== undefined && !JSON_MEDIA_TYPE.test(contentType.trim())) {
        throw new ApiError(
          415,
          "UNSUPPORTED_MEDIA_TYPE",
          "the request body must be sent as Content-Type: application/json",
        );
      }
      const declared = Number(api.headers["content-length"]);
      if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) throw tooLarge();
      const bytes = isBase64Encoded ? Buffer.from(body ?? "", "base64") : Buffer.from(body ?? "", "utf8");
      if (bytes.length > MAX_BODY_BYTES) throw tooLarge();
      const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
      if (text.trim() === "") throw invalidJson("the request body is empty; send a JSON project");
      const bad = checkJsonSyntax(text, MAX_JSON_DEPTH);
      if (bad) {
        throw invalidJson(
          `the request body is not valid JSON: ${bad.message} at position ${bad.position} (line ${bad.line}, column ${bad.column})`,
        );
      }
      api.body = { text, json: JSON.parse(text) };
    },
  };
}

const tooLarge = () =>
  new ApiError(413, "PAYLOAD_TOO_LARGE", `the request body is larger than ${MAX_BODY_BYTES} bytes (1 MiB)`);
const invalidJson = (message: string) => new ApiError(400, "INVALID_JSON", message);
