import type { APIGatewayProxyResult } from "aws-lambda";
import type { z } from "zod";
import type { ApiDeps } from "./api-deps.js";
import type { ApiRequest } from "./api-request.js";
import { type AuthForm, STANDARD_AUTH_FORMS } from "./auth-forms.js";
import { type ErrorFormat, standardErrors } from "./error-format.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";
export type RouteHandler = (req: ApiRequest, deps: ApiDeps) => Promise<APIGatewayProxyResult>;

/** OpenAPI tags, with the description the document gives each. */
export const ROUTE_TAGS = {
  videos: "create renders and fetch their output",
  jobs: "job status, listing and cancellation",
  uploads: "send source files straight to the bucket with presigned URLs",
  templates: "stored templates with {{placeholders}}, rendered with variables or one job per data row",
  meta: "health, schemas",
  videocraft:
    "VideoCraft's own API (/api/v1/… and root probes): its request and response shapes, status names and error body, so its clients run unchanged",
} as const;

export interface ResponseDoc {
  description: string;
  /** A body that is not JSON (`video/mp4`, `text/plain`), documented as that media type. */
  mediaType?: string;
  /**
   * The JSON body's zod schema (one with `meta({ id })` is shared as a component), or several
   * alternatives (`oneOf`). The type the handler returns derives from the same schema.
   */
  body?: z.ZodType | readonly z.ZodType[];
  /** Response headers worth documenting: name → description. */
  headers?: Readonly<Record<string, string>>;
}

/** What the OpenAPI document says about a route. */
export interface RouteDoc {
  tag: keyof typeof ROUTE_TAGS;
  summary: string;
  description?: string;
  /** What each `{name}` of the path is. */
  pathParams?: Readonly<Record<string, string>>;
  /** Query and header parameters, as OpenAPI parameter objects. */
  parameters?: readonly Readonly<Record<string, unknown>>[];
  /** The JSON request body: the component it is published as, and its JSON Schema. */
  requestBody?: { component: string; jsonSchema: () => Record<string, unknown> };
  /** Successful answers by status. */
  responses: Readonly<Record<number, ResponseDoc>>;
  /**
   * Error answers by status → when they happen, in the route's error format. Routes that need a
   * key also get 401, 429 and 500 without listing them.
   */
  errors?: Readonly<Record<number, string>>;
}

export interface RouteInit {
  method: HttpMethod;
  /** Where the route is served, `{name}` marking a path parameter: `/v1/jobs/{id}`. */
  path: string;
  /** More paths serving the same route (`/api/v1/…` for VideoCraft clients); same parameters as `path`. */
  aliases?: readonly string[];
  /** Answered without an API key (health checks, the published contract). */
  public?: boolean;
  /** How the key may be presented. @default STANDARD_AUTH_FORMS (x-api-key or Bearer) */
  auth?: readonly AuthForm[];
  /** The route reads a JSON body (size-capped and parsed before the handler runs). */
  json?: boolean;
  /** The shape of its error bodies. @default standardErrors */
  errors?: ErrorFormat;
  doc: RouteDoc;
  handle: RouteHandler;
}

/** A route with its defaults filled in: what the router, the middlewares and the OpenAPI builder read. */
export interface RouteDefinition {
  readonly method: HttpMethod;
  readonly path: string;
  readonly aliases: readonly string[];
  readonly public: boolean;
  readonly auth: readonly AuthForm[];
  readonly json: boolean;
  readonly errors: ErrorFormat;
  readonly doc: RouteDoc;
  readonly handle: RouteHandler;
}

const PARAM = /\{(\w+)\}/g;
const paramsOf = (path: string) => [...path.matchAll(PARAM)].map((m) => m[1]).sort();

/**
 * One HTTP route: where it is served, who may call it, how it is documented and what it does,
 * in one place. Add it to `API_ROUTES` (route-list.ts) and it is routed, authenticated and
 * published in the OpenAPI document. Checked when the module loads, so a malformed route fails
 * at start-up, not on its first request.
 */
export function defineRoute(init: RouteInit): RouteDefinition {
  const aliases = init.aliases ?? [];
  for (const path of [init.path, ...aliases]) {
    if (!path.startsWith("/")) throw new Error(`route path ${JSON.stringify(path)} must start with /`);
    if (paramsOf(path).join() !== paramsOf(init.path).join()) {
      throw new Error(`route alias ${path} must have the same {parameters} as ${init.path}`);
    }
  }
  const auth = init.auth ?? STANDARD_AUTH_FORMS;
  if (!init.public && auth.length === 0) throw new Error(`route ${init.path} accepts no way to send a key`);
  return Object.freeze({
    method: init.method,
    path: init.path,
    aliases,
    public: init.public ?? false,
    auth,
    json: init.json ?? false,
    errors: init.errors ?? standardErrors,
    doc: init.doc,
    handle: init.handle,
  });
}
