import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyResult } from "aws-lambda";
import { ApiError } from "../../core/errors.js";
import type { Log } from "../../core/ports/log.js";
import type { ApiEvent } from "../api-request.js";
import { errorResponse } from "../http-response.js";

const GENERIC = { code: "INTERNAL", message: "internal error; quote the request id if you report it" };

/**
 * Turns every thrown error into the SPEC §4 envelope. A client error keeps its message; anything
 * else becomes a generic 500 and its detail (message, stack) goes to the log only.
 */
export function errorEnvelope(log: Log): MiddlewareObj<ApiEvent, APIGatewayProxyResult> {
  return {
    onError: (request) => {
      const err = request.error;
      const requestId = request.event.api?.requestId ?? "unknown";
      if (err instanceof ApiError && err.statusCode < 500) {
        request.response = errorResponse(err.statusCode, err, requestId, err.headers);
        return;
      }
      log.error("unhandled error", {
        request_id: requestId,
        route: request.event.api?.route?.pattern,
        error: err,
      });
      request.response = errorResponse(500, GENERIC, requestId);
    },
  };
}
