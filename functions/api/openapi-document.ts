import { z } from "zod";
import { webhookBodySchema } from "../core/jobs/webhook-payload.js";
import { API_KEY_QUERY_PARAMETER, type AuthForm, STANDARD_AUTH_FORMS } from "./auth-forms.js";
import { type ResponseDoc, ROUTE_TAGS, type RouteDefinition } from "./define-route.js";
import { type MountedRoute, mountRoutes } from "./router.js";

/**
 * The OpenAPI 3.1 description of the HTTP API, built from the route list: each route's own
 * `doc`, response bodies from the zod schemas its handler's types derive from, and the request
 * body from the validator's JSON Schema. Nothing here describes a route by hand, so the document
 * cannot drift from what the API does.
 *
 * A zod schema with `meta({ id })` becomes a shared component (`#/components/schemas/<id>`) and
 * is referenced wherever it appears; any other schema is written in place.
 */

type Json = Record<string, unknown>;

const COMPONENTS = "#/components/schemas/";
const ref = (id: string) => ({ $ref: `${COMPONENTS}${id}` });
const TARGET = {
  target: "draft-2020-12",
  io: "input",
  unrepresentable: "any",
  // zod bounds every integer by the safe-integer range; that says nothing a client needs.
  override: ({ jsonSchema }: { jsonSchema: Json }) => {
    if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  },
} as const;

/** Each way of sending the key, as the security scheme that declares it. */
const SECURITY_SCHEMES: Record<AuthForm, { name: string; scheme: Json }> = {
  "x-api-key": { name: "apiKey", scheme: { type: "apiKey", in: "header", name: "x-api-key" } },
  bearer: {
    name: "bearer",
    scheme: { type: "http", scheme: "bearer", description: "the API key as a bearer token" },
  },
  authorization: {
    name: "rawAuthorization",
    scheme: {
      type: "apiKey",
      in: "header",
      name: "Authorization",
      description: "the API key as the whole Authorization header (VideoCraft routes only)",
    },
  },
  query: {
    name: "apiKeyQuery",
    scheme: {
      type: "apiKey",
      in: "query",
      name: API_KEY_QUERY_PARAMETER,
      description: "the API key in the URL (VideoCraft routes only; prefer a header, URLs get logged)",
    },
  },
};

/** What any route that needs a key can answer besides its own errors. */
const KEYED_ROUTE_ERRORS: Readonly<Record<number, string>> = {
  401: "no or wrong API key",
  429: "throttled (Retry-After)",
  500: "internal error",
};

/** Every zod schema with an id, as JSON Schema, referring to each other by component path. */
function sharedSchemas(): Record<string, Json> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, { ...TARGET, uri: (id) => `${COMPONENTS}${id}` });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...schema }]) => [id, schema]),
  );
}

/** A reference to the schema's component, or the schema itself when it has no id. */
function schemaOf(schema: z.ZodType): Json {
  const id = z.globalRegistry.get(schema)?.id;
  if (id) return ref(id);
  const { $schema: _dialect, ...inline } = z.toJSONSchema(schema, TARGET) as Json;
  if (inline.$defs) throw new Error("an inline response schema nests a schema with an id; give it an id too");
  return inline;
}

/** A JSON Schema's internal `#/…` refs, re-pointed at where it sits inside this document. */
function rebaseRefs(schema: Json, at: string): Json {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === "$ref" && typeof v === "string" && v.startsWith("#/") ? `${at}/${v.slice(2)}` : walk(v),
      ]),
    );
  };
  return walk(schema) as Json;
}

const jsonContent = (schema: Json) => ({ "application/json": { schema } });

function response(doc: ResponseDoc): Json {
  const body = doc.body;
  const schema =
    body === undefined
      ? undefined
      : Array.isArray(body)
        ? { oneOf: body.map(schemaOf) }
        : schemaOf(body as z.ZodType);
  return {
    description: doc.description,
    ...(doc.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(doc.headers).map(([name, description]) => [
              name,
              { description, schema: { type: "string" } },
            ]),
          ),
        }
      : {}),
    ...(schema ? { content: jsonContent(schema) } : {}),
    ...(doc.mediaType
      ? { content: { [doc.mediaType]: { schema: { type: "string", format: "binary" } } } }
      : {}),
  };
}

/** `post_v1_videos`, `get_api_v1_jobs_id_status`, … unique per method and path. */
function operationId(route: MountedRoute): string {
  const slug = route.pattern
    .split("/")
    .filter(Boolean)
    .map((s) => s.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+/g, "_"))
    .join("_");
  return `${route.method.toLowerCase()}_${slug}`;
}

/** Public routes opt out of the document's key requirement; others inherit it unless their forms differ. */
function security(route: RouteDefinition): Json[] | undefined {
  if (route.public) return [];
  const standard =
    route.auth.length === STANDARD_AUTH_FORMS.length &&
    STANDARD_AUTH_FORMS.every((form) => route.auth.includes(form));
  return standard ? undefined : route.auth.map((form) => ({ [SECURITY_SCHEMES[form].name]: [] }));
}

function operation(mounted: MountedRoute, components: Record<string, Json>): Json {
  const route = mounted.definition;
  const { doc } = route;
  const pathParams = [...mounted.pattern.matchAll(/\{(\w+)\}/g)].map(([, name = ""]) => ({
    name,
    in: "path",
    required: true,
    ...(doc.pathParams?.[name] ? { description: doc.pathParams[name] } : {}),
    schema: { type: "string" },
  }));
  const parameters = [...pathParams, ...(doc.parameters ?? [])];
  if (doc.requestBody) {
    const { $schema: _dialect, ...schema } = doc.requestBody.jsonSchema();
    components[doc.requestBody.component] = rebaseRefs(schema, `${COMPONENTS}${doc.requestBody.component}`);
  }
  const errorBody = jsonContent(schemaOf(route.errors.schema));
  const errors = { ...doc.errors, ...(route.public ? {} : KEYED_ROUTE_ERRORS) };
  const sec = security(route);
  return {
    operationId: operationId(mounted),
    tags: [doc.tag],
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.requestBody
      ? { requestBody: { required: true, content: jsonContent(ref(doc.requestBody.component)) } }
      : {}),
    responses: {
      ...Object.fromEntries(Object.entries(doc.responses).map(([status, r]) => [status, response(r)])),
      ...Object.fromEntries(
        Object.entries(errors).map(([status, description]) => [status, { description, content: errorBody }]),
      ),
    },
    ...(sec ? { security: sec } : {}),
  };
}

/** Builds the document for the given routes (the route list, when served). */
export function buildOpenApiDocument(routes: readonly RouteDefinition[], version: string): Json {
  const components = sharedSchemas();
  const paths: Record<string, Record<string, Json>> = {};
  for (const mounted of mountRoutes(routes)) {
    paths[mounted.pattern] = {
      ...paths[mounted.pattern],
      [mounted.method.toLowerCase()]: operation(mounted, components),
    };
  }
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "VideoCraft Serverless API",
      version,
      description:
        "JSON scenes to MP4. Every route is served under /v1 and, for VideoCraft clients, /api/v1. " +
        "Server URLs include the deployment's stage (e.g. https://abc.execute-api.eu-west-1.amazonaws.com/prod).",
    },
    servers: [
      {
        url: "{base}",
        variables: {
          base: { default: "http://127.0.0.1:8080", description: "API base URL including the stage" },
        },
      },
    ],
    tags: Object.entries(ROUTE_TAGS).map(([name, description]) => ({ name, description })),
    security: STANDARD_AUTH_FORMS.map((form) => ({ [SECURITY_SCHEMES[form].name]: [] })),
    paths,
    webhooks: {
      jobFinished: {
        post: {
          summary:
            "Sent to the project's webhook.url when a job completes, fails or is cancelled by a worker",
          requestBody: { required: true, content: jsonContent(schemaOf(webhookBodySchema)) },
          responses: { "200": { description: "any 2xx acknowledges; others are retried with backoff" } },
        },
      },
    },
    components: {
      securitySchemes: Object.fromEntries(
        Object.values(SECURITY_SCHEMES).map(({ name, scheme }) => [name, scheme]),
      ),
      schemas: components,
    },
  };
}
