import middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { ApiDeps } from "./api-deps.js";
import type { ApiEvent } from "./api-event.js";
import type { RouteDefinition } from "./define-route.js";
import { auth } from "./middlewares/auth.js";
import { cors } from "./middlewares/cors.js";
import { errorEnvelope } from "./middlewares/error-envelope.js";
import { jsonBody } from "./middlewares/json-body.js";
import { requestContext } from "./middlewares/request-context.js";
import { routing } from "./middlewares/routing.js";
import { API_ROUTES } from "./route-list.js";
import { createRouter } from "./router.js";
import { errorFormatOfPath } from "./videocraft/videocraft-errors.js";

export type ApiHandler = middy.MiddyfiedHandler<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>;

/**
 * The HTTP API as one Lambda handler (REST API proxy integration, payload v1). The same handler
 * serves AWS and the local server; only `deps` differ. Middlewares run in the order listed;
 * on the way out errors become envelopes, then get CORS headers, before the request id is stamped
 * and the line logged. `routes` is the route list unless a test serves others.
 */
export function createApiHandler(deps: ApiDeps, routes: readonly RouteDefinition[] = API_ROUTES): ApiHandler {
  const router = createRouter(routes);
  const handler = middy<ApiEvent, APIGatewayProxyResult, Error, Context>()
    .use([
      requestContext(deps.log, deps.metrics),
      cors(deps.config, router),
      errorEnvelope(deps.log, errorFormatOfPath),
      routing(router),
      auth(deps.config),
      jsonBody(),
    ])
    .handler(async (event: ApiEvent) => {
      const route = event.route;
      if (!route) throw new Error("routing middleware did not run");
      return route.definition.handle(event.api, deps);
    });
  // The request-context middleware turns the plain API Gateway event into an ApiEvent before
  // anything else reads it, so callers pass a plain event.
  return handler as unknown as ApiHandler;
}
