import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyResult } from "aws-lambda";
import { ApiError } from "../api-error.js";
import type { ApiEvent } from "../api-event.js";
import type { Router } from "../router.js";

/**
 * Routes before auth: auth must know whether the route is public, and the log line names the
 * route pattern even for a refused request. 404/405 reveal nothing the published API doesn't.
 */
export function routing(router: Router): MiddlewareObj<ApiEvent, APIGatewayProxyResult> {
  return {
    before: (request) => {
      const { api } = request.event;
      // Already chosen (a CORS preflight, middlewares/cors.ts).
      if (request.event.route) return;
      const match = router.match(api.method, api.path);
      if (match.kind === "none") throw new ApiError(404, "NOT_FOUND", `no route ${api.method} ${api.path}`);
      if (match.kind === "wrong-method") {
        throw new ApiError(
          405,
          "METHOD_NOT_ALLOWED",
          `${api.method} is not allowed here; use ${match.allow.join(" or ")}`,
          undefined,
          {
            Allow: match.allow.join(", "),
          },
        );
      }
      request.event.route = match.route;
      api.params = match.params;
    },
  };
}
