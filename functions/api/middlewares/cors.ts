import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyResult } from "aws-lambda";
import type { Config } from "../../core/config.js";
import type { ApiEvent } from "../api-event.js";
import { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, CORS_MAX_AGE_SECONDS } from "../cors-headers.js";
import { defineRoute } from "../define-route.js";
import { noContent } from "../http-response.js";
import type { MountedRoute, Router } from "../router.js";

/**
 * CORS, so the studio and other browser clients on another origin can read the API's answers:
 * every response, errors included, carries `Access-Control-Allow-Origin`
 * for the configured origins (VIDEOCRAFT_CORS_ORIGIN): `*`, or the request's Origin when it is in
 * the list (else the first listed one, which a browser then refuses), with `Vary: Origin`.
 * Preflights (OPTIONS on a path the API serves) are answered 204 here, without a key, as API
 * Gateway answers them on AWS before the Lambda is reached. The preflight goes through the chain
 * as a route, not an early return, so the request id, the log line and RequestDuration still happen.
 */
export function cors(
  config: Pick<Config, "corsOrigins">,
  router: Router,
): MiddlewareObj<ApiEvent, APIGatewayProxyResult> {
  const any = config.corsOrigins.includes("*");
  const addHeaders = (request: { event: ApiEvent; response: APIGatewayProxyResult | undefined | null }) => {
    const response = request.response;
    if (!response) return;
    const origin = request.event.api?.headers.origin;
    const allowed = any
      ? "*"
      : origin && config.corsOrigins.includes(origin)
        ? origin
        : config.corsOrigins[0];
    response.headers = {
      ...response.headers,
      "Access-Control-Allow-Origin": allowed ?? "*",
      "Access-Control-Expose-Headers": CORS_EXPOSE_HEADERS.join(", "),
      ...(any ? {} : { Vary: "Origin" }),
    };
  };
  return {
    before: (request) => {
      const api = request.event.api;
      if (api.method !== "OPTIONS") return;
      const match = router.match(api.method, api.path);
      // An unknown path falls through to routing's 404.
      if (match.kind === "wrong-method") request.event.route = preflightRoute(api.path, match.allow);
    },
    after: addHeaders,
    onError: addHeaders,
  };
}

/** Not in the route list: it answers OPTIONS on whatever path the API serves. */
function preflightRoute(path: string, allow: string[]): MountedRoute {
  const definition = defineRoute({
    method: "OPTIONS",
    path,
    public: true,
    doc: { tag: "meta", summary: "CORS preflight", responses: { 204: { description: "allowed" } } },
    handle: async () => {
      const response = noContent();
      response.headers = {
        "Access-Control-Allow-Methods": [...allow, "OPTIONS"].join(", "),
        "Access-Control-Allow-Headers": CORS_ALLOW_HEADERS.join(", "),
        "Access-Control-Max-Age": String(CORS_MAX_AGE_SECONDS),
      };
      return response;
    },
  });
  return { method: "OPTIONS", pattern: "(cors preflight)", definition };
}
