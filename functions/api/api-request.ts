import type { AuthForm } from "./auth-forms.js";

/** Who is calling, once the key was checked; never the key itself. */
export interface Caller {
  /**
   * A stable id of the key: `key:<first 16 hex digits of its SHA-256>`, or `gateway:<API Gateway
   * key id>` when API Gateway checked it. The owner of the jobs it creates: they and its
   * Idempotency-Keys are visible to this principal only.
   */
  readonly principal: string;
  /** How the key came: the form the route accepted it in, or `gateway` when API Gateway checked it. */
  readonly via: AuthForm | "gateway";
}

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
  /** The path's `{name}` parameters, URL-decoded; set by routing. */
  params: Record<string, string>;
  /** Set by the auth middleware on routes that need a key; absent on public ones. */
  caller?: Caller;
  /** Set by the body middleware on routes that take JSON. */
  body?: { text: string; json: unknown };
}

/** The caller of a route that needs a key; the auth middleware has set it before any such route runs. */
export function callerOf(req: ApiRequest): Caller {
  if (!req.caller) throw new Error(`no caller on ${req.method} ${req.path}: the route must not be public`);
  return req.caller;
}
