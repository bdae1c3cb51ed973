import type { APIGatewayProxyResult } from "aws-lambda";
import type { ApiError } from "./api-error.js";
import { type ErrorFormat, standardErrors } from "./error-format.js";

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
  error: Pick<ApiError, "code" | "message" | "details">,
  requestId: string,
  headers: Record<string, string> = {},
  format: ErrorFormat = standardErrors,
): APIGatewayProxyResult {
  return json(statusCode, format.body(error, requestId), headers);
}
