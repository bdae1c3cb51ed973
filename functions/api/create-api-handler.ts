import middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { ApiDeps } from "./api-deps.js";
import type { ApiEvent } from "./api-request.js";
import { auth } from "./middlewares/auth.js";
import { cors } from "./middlewares/cors.js";
import { errorEnvelope } from "./middlewares/error-envelope.js";
import { jsonBody } from "./middlewares/json-body.js";
import { requestContext } from "./middlewares/request-context.js";
import { routing } from "./middlewares/routing.js";

export type ApiHandler = middy.MiddyfiedHandler<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>;

/**
 * The HTTP API as one Lambda handler (REST API proxy integration, payload v1). The same handler
 * serves AWS and the local server; only `deps` differ. Middlewares run in the order listed;
 * on the way out errors become envelopes, then get CORS headers, before the request id is stamped
 * and the line logged.
 */
export function createApiHandler(deps: ApiDeps): ApiHandler {
  const handler = middy<ApiEvent, APIGatewayProxyResult, Error, Context>()
    .use([
      requestContext(deps.log, deps.metrics),
      cors(deps.config),
      errorEnvelope(deps.log),
      routing(),
      auth(deps.config),
      jsonBody(),
    ])
    .handler(async (event: ApiEvent) => {
      const route = event.api.route;
      if (!route) throw new Error("routing middleware did not run");
      return route.handle(event.api, deps);
    });
  // The request-context middleware turns the plain API Gateway event into an ApiEvent before
  // anything else reads it, so callers pass a plain event.
  return handler as unknown as ApiHandler;
}
