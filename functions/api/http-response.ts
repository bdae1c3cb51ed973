import type { Readable } from "node:stream";
import type { APIGatewayProxyResult } from "aws-lambda";
import { type ErrorFormat, type ErrorInfo, standardErrors } from "./error-format.js";

export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

export const noContent = (): APIGatewayProxyResult => ({ statusCode: 204, headers: {}, body: "" });

/** Presigned links expire: no cache may keep the redirect longer than the link lives. */
export const redirect = (location: string): APIGatewayProxyResult => ({
  statusCode: 302,
  headers: { Location: location, "cache-control": "no-store" },
  body: "",
});

/** An error answer in the route's error format (ours unless the route declares another). */
export function errorResponse(
  statusCode: number,
  error: ErrorInfo,
  requestId: string,
  headers: Record<string, string> = {},
  format: ErrorFormat = standardErrors,
): APIGatewayProxyResult {
  return json(format.statusCode?.(statusCode, error) ?? statusCode, format.body(error, requestId), headers);
}

/**
 * An answer whose body the HTTP server pipes from `stream` rather than holding it in memory (a
 * video can be gigabytes). Only servers that can stream get one: local mode's HTTP server and the
 * download function (a streamed Lambda response) do; the API function's buffered integration
 * cannot, so routes redirect there instead (ApiDeps.downloads).
 */
export interface StreamedResult extends APIGatewayProxyResult {
  readonly stream: Readable;
}

export const isStreamed = (result: APIGatewayProxyResult): result is StreamedResult =>
  "stream" in result && (result as Partial<StreamedResult>).stream !== undefined;

export const streamed = (
  stream: Readable,
  bytes: number,
  headers: Record<string, string>,
): StreamedResult => ({
  statusCode: 200,
  headers: { ...headers, "content-length": String(bytes) },
  body: "",
  stream,
});
