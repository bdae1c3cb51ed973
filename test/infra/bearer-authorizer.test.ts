import { createRequire } from "node:module";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { BEARER_AUTHORIZER_SOURCE } from "../../infra/bearer-authorizer-code.js";

type AuthorizerResult = {
  principalId: string;
  usageIdentifierKey: string;
  policyDocument: { Statement: { Effect: string; Resource: string; Action: string }[] };
};

/** Loads the inline source the way Lambda does: a CommonJS module exporting `handler`. */
function loadAuthorizer(): (event: unknown) => Promise<AuthorizerResult> {
  const module = { exports: {} as { handler?: (event: unknown) => Promise<AuthorizerResult> } };
  vm.runInNewContext(BEARER_AUTHORIZER_SOURCE, {
    module,
    exports: module.exports,
    require: createRequire(import.meta.url),
  });
  if (!module.exports.handler) throw new Error("no handler exported");
  return module.exports.handler;
}

const methodArn = "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/POST/v1/videos";
const KEY = "k3y-0123456789abcdef";

describe("Bearer/x-api-key request authorizer", () => {
  const authorize = loadAuthorizer();

  it.each([
    ["x-api-key", { "x-api-key": KEY }],
    ["X-Api-Key (any case)", { "X-Api-Key": KEY }],
    ["Authorization: Bearer", { Authorization: `Bearer ${KEY}` }],
    ["authorization: bearer (any case)", { authorization: `bearer ${KEY}` }],
  ])("hands the key from %s to the usage plan", async (_name, headers) => {
    const result = await authorize({ type: "REQUEST", methodArn, headers });
    expect(result.usageIdentifierKey).toBe(KEY);
    expect(result.policyDocument.Statement).toEqual([
      { Action: "execute-api:Invoke", Effect: "Allow", Resource: methodArn },
    ]);
  });

  it("prefers x-api-key when both are sent", async () => {
    const result = await authorize({
      methodArn,
      headers: { "x-api-key": KEY, Authorization: "Bearer other-key-000000" },
    });
    expect(result.usageIdentifierKey).toBe(KEY);
  });

  it("never puts the key in the principal (access logs record it)", async () => {
    const result = await authorize({ methodArn, headers: { "x-api-key": KEY } });
    expect(result.principalId).toMatch(/^key-[0-9a-f]{16}$/);
    expect(result.principalId).not.toContain(KEY);
  });

  it.each([
    ["no headers", undefined],
    ["no key header", { accept: "application/json" }],
    ["a Basic credential", { Authorization: "Basic dXNlcjpwYXNz" }],
    ["an empty Bearer", { Authorization: "Bearer " }],
  ])("answers 401 (throws Unauthorized) for %s", async (_name, headers) => {
    await expect(authorize({ methodArn, headers })).rejects.toThrow(/^Unauthorized$/);
  });
});

describe("VideoCraft's key forms in the authorizer", () => {
  const authorize = loadAuthorizer();
  const vcArn = "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/api/v1/jobs";

  it.each([
    ["the raw Authorization header", { headers: { Authorization: KEY } }],
    ["?api_key=", { headers: {}, queryStringParameters: { api_key: KEY } }],
  ])("takes %s on VideoCraft's /api/v1 paths", async (_name, request) => {
    const result = await authorize({ methodArn: vcArn, path: "/api/v1/jobs", ...request });
    expect(result.usageIdentifierKey).toBe(KEY);
  });

  it.each([
    ["the raw Authorization header", { headers: { Authorization: KEY } }],
    ["?api_key=", { headers: {}, queryStringParameters: { api_key: KEY } }],
  ])("refuses %s on /v1 (keys stay out of URLs there)", async (_name, request) => {
    await expect(authorize({ methodArn, path: "/v1/videos", ...request })).rejects.toThrow(/^Unauthorized$/);
  });
});
