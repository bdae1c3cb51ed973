import type { APIGatewayProxyEvent } from "aws-lambda";
import type { ApiRequest } from "./api-request.js";
import type { MountedRoute } from "./router.js";

/**
 * The event as the middlewares pass it on: a copy of API Gateway's with the request the routes
 * see (`api`) and, once routing found it, the route (`route`).
 */
export type ApiEvent = APIGatewayProxyEvent & { readonly api: ApiRequest; route?: MountedRoute };
