import type { APIGatewayProxyResult } from "aws-lambda";
import type { IssueDetail } from "../core/errors.js";

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

/** The error envelope of SPEC §4. */
export function errorResponse(
  statusCode: number,
  error: { code: string; message: string; details?: IssueDetail[] | undefined },
  requestId: string,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  const { code, message, details } = error;
  return json(
    statusCode,
    { error: { code, message, ...(details ? { details } : {}), request_id: requestId } },
    headers,
  );
}
