import type { APIGatewayProxyEvent, Context } from "aws-lambda";
import { anonymousIdentity } from "../../local/http-server.js";

export interface ApiEventInit {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  /** A string is sent as is; anything else is JSON-encoded. */
  body?: unknown;
  base64?: boolean;
  /** API Gateway's stage as it appears in `requestContext.path`, e.g. `/prod`. */
  stage?: string;
  requestId?: string;
  /** The key id API Gateway resolved (gateway mode); unset, the identity carries none. */
  apiKeyId?: string;
}

/** A REST API (payload v1) proxy event as API Gateway would deliver it. */
export function apiEvent(init: ApiEventInit): APIGatewayProxyEvent {
  const method = init.method ?? "GET";
  const text =
    init.body === undefined ? null : typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  const body = text !== null && init.base64 ? Buffer.from(text).toString("base64") : text;
  const headers = init.headers ?? {};
  return {
    httpMethod: method,
    path: init.path,
    resource: "/{proxy+}",
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: init.query ?? null,
    multiValueQueryStringParameters: init.query
      ? Object.fromEntries(Object.entries(init.query).map(([k, v]) => [k, [v]]))
      : null,
    pathParameters: { proxy: init.path.replace(/^\//, "") },
    stageVariables: null,
    body,
    isBase64Encoded: init.base64 ?? false,
    requestContext: {
      accountId: "123456789012",
      apiId: "api",
      authorizer: null,
      protocol: "HTTP/1.1",
      httpMethod: method,
      identity: { ...anonymousIdentity("127.0.0.1", "vitest"), apiKeyId: init.apiKeyId ?? null },
      path: `${init.stage ?? ""}${init.path}`,
      stage: init.stage?.replace(/^\//, "") || "$default",
      requestId: init.requestId ?? `req-${Math.random().toString(36).slice(2)}`,
      requestTimeEpoch: 0,
      resourceId: "res",
      resourcePath: "/{proxy+}",
    },
  };
}

export const lambdaContext: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: "videocraft-api",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:videocraft-api",
  memoryLimitInMB: "256",
  awsRequestId: "aws-req",
  logGroupName: "/aws/lambda/videocraft-api",
  logStreamName: "stream",
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};
