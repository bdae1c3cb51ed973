/**
 * Source of the API's Lambda request authorizer, deployed inline (it is small, has no dependencies,
 * and keeping it next to the API construct means nothing under functions/ ships only to AWS).
 *
 * It accepts the key as `x-api-key` or `Authorization: Bearer <key>` (SPEC §4) and hands it to API
 * Gateway as the usage identifier; API Gateway then checks it against the usage plan's keys
 * (unknown key → INVALID_API_KEY) and applies that key's throttle and quota. The authorizer itself
 * therefore never needs to know the keys. The principal is a digest prefix, never the key, because
 * access logs record it.
 */
export const BEARER_AUTHORIZER_SOURCE = `"use strict";
const { createHash } = require("node:crypto");
exports.handler = async (event) => {
  const headers = {};
  for (const [name, value] of Object.entries(event.headers || {})) headers[name.toLowerCase()] = value;
  const bearer = /^Bearer\\s+(\\S+)\\s*$/i.exec(headers.authorization || "");
  const key = headers["x-api-key"] || (bearer ? bearer[1] : undefined);
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
