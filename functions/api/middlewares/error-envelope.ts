import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyResult } from "aws-lambda";
import type { Log } from "../../core/ports/log.js";
import { type ApiError, toApiError } from "../api-error.js";
import type { ApiEvent } from "../api-event.js";
import type { ErrorFormat } from "../error-format.js";
import { errorResponse } from "../http-response.js";

const GENERIC: Pick<ApiError, "code" | "message"> = {
  code: "INTERNAL",
  message: "internal error; quote the request id if you report it",
};

/**
 * Turns every thrown error into an error body in the route's format (for a path no route serves,
 * `unrouted` picks it). A client error (an ApiError under 500, or a core not-found, conflict or
 * validation error) keeps its message; anything else becomes a generic 500 and its detail
 * (message, stack) goes to the log only.
 */
export function errorEnvelope(
  log: Log,
  unrouted?: (path: string) => ErrorFormat,
): MiddlewareObj<ApiEvent, APIGatewayProxyResult> {
  return {
    onError: (request) => {
      const err = request.error;
      const requestId = request.event.api?.requestId ?? "unknown";
      const path = request.event.api?.path;
      const format = request.event.route?.definition.errors ?? (path ? unrouted?.(path) : undefined);
      const known = toApiError(err);
      if (known && known.statusCode < 500) {
        request.response = errorResponse(known.statusCode, known, requestId, known.headers, format);
        return;
      }
      log.error("unhandled error", {
        request_id: requestId,
        route: request.event.route?.pattern,
        error: err,
      });
      request.response = errorResponse(500, GENERIC, requestId, {}, format);
    },
  };
}
