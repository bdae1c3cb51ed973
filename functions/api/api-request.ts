import type { APIGatewayProxyEvent } from "aws-lambda";
import type { RouteDef } from "./router.js";

/**
 * One request as the routes see it. The request-context middleware creates it; routing, auth
 * and body parsing fill in their parts, so a route never reads the raw API Gateway event.
 */
export interface ApiRequest {
  readonly requestId: string;
  readonly method: string;
  /** `event.path` without a trailing slash. */
  readonly path: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** What stands before `path` in the client's URL (the API Gateway stage, e.g. `/prod`), for links. */
  readonly basePath: string;
  readonly startedAt: number;
  route?: RouteDef;
  params: Record<string, string>;
  /** Who is calling, for scoping Idempotency-Keys; set by the auth middleware. */
  principal?: string;
  /** Set by the body middleware on routes that take JSON. */
  body?: { text: string; json: unknown };
}

/** The event after the request-context middleware attached the request (a copy; the input is untouched). */
export type ApiEvent = APIGatewayProxyEvent & { readonly api: ApiRequest };
