/**
 * Source of the API's Lambda request authorizer, deployed inline (it is small, has no dependencies,
 * and keeping it next to the API construct means nothing under functions/ ships only to AWS).
 *
 * It accepts the key as `x-api-key` or `Authorization: Bearer <key>`, and on VideoCraft's paths
 * (`/api/v1/…`) also the forms VideoCraft's server takes: the whole `Authorization` header, or
 * `?api_key=` (functions/api/auth-forms.ts); it hands the key to API Gateway as the usage identifier; API Gateway then checks it against the usage plan's keys
 * (unknown key → INVALID_API_KEY) and applies that key's throttle and quota. The authorizer itself
 * therefore never needs to know the keys. The principal is a digest prefix, never the key, because
 * access logs record it.
 */
export const BEARER_AUTHORIZER_SOURCE = `"use strict";
const { createHash } = require("node:crypto");
exports.handler = async (event) => {
  const headers = {};
  for (const [name, value] of Object.entries(event.headers || {})) headers[name.toLowerCase()] = value;
  const authorization = (headers.authorization || "").trim();
  const bearer = /^Bearer\\s+(\\S+)\\s*$/i.exec(authorization);
  const videoCraft = /^\\/api\\/v1\\//.test(event.path || "");
  const raw = videoCraft && authorization && !/^Bearer\\s/i.test(authorization) ? authorization : undefined;
  const query = videoCraft ? (event.queryStringParameters || {}).api_key : undefined;
  const key = headers["x-api-key"] || (bearer ? bearer[1] : undefined) || raw || query || undefined;
  if (!key) throw new Error("Unauthorized");
  return {
    principalId: "key-" + createHash("sha256").update(key).digest("hex").slice(0, 16),
    usageIdentifierKey: key,
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: event.methodArn }],
    },
  };
};
`;
