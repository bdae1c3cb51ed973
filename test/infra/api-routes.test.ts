import { Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import type { RouteDefinition } from "../../functions/api/define-route.js";
import { API_ROUTES } from "../../functions/api/route-list.js";
import { STREAMED_DOWNLOAD_ROUTES } from "../../functions/download/streamed-routes.js";
import { buildApp, type CfnResource, type CfnTemplate, FAST_APP, NO_BUNDLING } from "./synth-app.js";

/**
 * Every route the handler serves (functions/api/route-list.ts, aliases included) must reach it
 * through the deployed REST API with the auth the route declares: a route added to the list but
 * not to API Gateway would answer 404 or 401 on AWS while every local test passes. The template
 * is read as API Gateway matches a request: at each level a literal path part first, then a
 * `{param}`, then a greedy `{proxy+}` (which takes the rest); on the resource reached, the
 * method itself, else `ANY`. No backtracking, so a branch that swallows a path must serve it.
 */

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON is untyped; the assertions check its shape.
type Json = Record<string, any>;

interface RequiredRoute {
  method: string;
  path: string;
  public: boolean;
  /** The route answers with the MP4 itself: it needs a streaming integration on AWS. */
  streamed: boolean;
  route: RouteDefinition;
}

/** What the route list says the API must serve, one entry per path a route answers on. */
const required: RequiredRoute[] = API_ROUTES.flatMap((route) =>
  [route.path, ...route.aliases].map((path) => ({
    method: route.method,
    path,
    public: route.public,
    streamed: route.doc.responses[200]?.mediaType === "video/mp4",
    route,
  })),
);

let json: CfnTemplate;
let apiFunctionId: string;
const props = (r: CfnResource | undefined) => (r?.Properties ?? {}) as Json;

beforeAll(() => {
  const { stack } = buildApp(NO_BUNDLING, FAST_APP);
  json = Template.fromStack(stack).toJSON() as CfnTemplate;
  apiFunctionId = Stack.of(stack).resolve(
    Stack.of(stack).getLogicalId(stack.api.handler.node.defaultChild as never),
  ) as string;
});

const ofType = (type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);

/** The REST API's resource tree: children of each resource id ("ROOT" for the root). */
function resourceTree() {
  const children = new Map<string, { id: string; part: string }[]>();
  for (const [id, r] of ofType("AWS::ApiGateway::Resource")) {
    const parent = props(r).ParentId?.Ref ?? "ROOT";
    children.set(parent, [...(children.get(parent) ?? []), { id, part: props(r).PathPart as string }]);
  }
  return children;
}

const resourceIdOfMethod = (m: Json): string => m.ResourceId?.Ref ?? "ROOT";

/** The resource API Gateway picks for a concrete path, or undefined when none matches. */
function resolveResource(path: string): string | undefined {
  const tree = resourceTree();
  let node = "ROOT";
  const segments = path.split("/").filter(Boolean);
  for (let i = 0; i < segments.length; i++) {
    const kids = tree.get(node) ?? [];
    const next =
      kids.find((k) => k.part === segments[i]) ??
      kids.find((k) => /^\{\w+\}$/.test(k.part)) ??
      kids.find((k) => /^\{\w+\+\}$/.test(k.part));
    if (!next) return undefined;
    node = next.id;
    if (/^\{\w+\+\}$/.test(next.part)) return node;
  }
  return node;
}

function resolveMethod(method: string, path: string): Json | undefined {
  const resource = resolveResource(path);
  if (!resource) return undefined;
  const methods = ofType("AWS::ApiGateway::Method")
    .map(([, r]) => props(r))
    .filter((m) => resourceIdOfMethod(m) === resource);
  return methods.find((m) => m.HttpMethod === method) ?? methods.find((m) => m.HttpMethod === "ANY");
}

/** The logical id of the function a method's Lambda integration invokes. */
function targetFunction(method: Json): string | undefined {
  const uri = JSON.stringify(method.Integration?.Uri ?? "");
  return ofType("AWS::Lambda::Function")
    .map(([id]) => id)
    .find((id) => uri.includes(`"${id}"`));
}

/** A concrete request path: each `{param}` filled with a job-id-like value. */
const concrete = (path: string) => path.replace(/\{\w+\}/g, "01JABCDEFGHJKMNPQRSTVWXYZ0");

describe("API Gateway routes every route of the handler", () => {
  it("reads the route list: our routes, VideoCraft's and their aliases", () => {
    expect(required.length).toBeGreaterThanOrEqual(30);
    const paths = required.map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        "GET /",
        "GET /health",
        "GET /api/v1/csrf-token",
        "POST /api/v1/jobs/{id}/cancel",
        "GET /api/v1/status/{id}",
        "GET /api/v1/videos/{id}/download",
        "GET /api/v1/download/{id}",
        "POST /api/v1/generate-video",
      ]),
    );
    expect(required.filter((r) => r.public).length).toBeGreaterThanOrEqual(10);
  });

  it.each(required.map((r) => [`${r.method} ${r.path}`, r] as const))(
    "%s reaches its function with the route's auth",
    (_name, r) => {
      const method = resolveMethod(r.method, concrete(r.path));
      expect(method, "no resource and method of the REST API matches").toBeDefined();
      if (r.public) {
        expect(method?.AuthorizationType).toBe("NONE");
        expect(method?.ApiKeyRequired ?? false).toBe(false);
      } else {
        // The request authorizer takes every key form VideoCraft's clients use; API Gateway then
        // checks the key against the usage plan.
        expect(method?.AuthorizationType).toBe("CUSTOM");
        expect(method?.AuthorizerId).toBeDefined();
        expect(method?.ApiKeyRequired).toBe(true);
      }
      expect(method?.Integration?.Type).toBe("AWS_PROXY");
      const target = targetFunction(method as Json);
      if (r.streamed) {
        expect(target).not.toBe(apiFunctionId);
        expect(method?.Integration?.ResponseTransferMode).toBe("STREAM");
        expect(JSON.stringify(method?.Integration?.Uri)).toContain("/response-streaming-invocations");
      } else {
        expect(target).toBe(apiFunctionId);
        expect(method?.Integration?.ResponseTransferMode ?? "BUFFERED").toBe("BUFFERED");
      }
    },
  );

  it("streams exactly the routes whose answer is the MP4 itself (VideoCraft's downloads; /v1 keeps its 302)", () => {
    const byBytes = new Set(required.filter((r) => r.streamed).map((r) => r.route));
    expect([...byBytes].sort((a, b) => a.path.localeCompare(b.path))).toEqual(
      [...STREAMED_DOWNLOAD_ROUTES].sort((a, b) => a.path.localeCompare(b.path)),
    );
    const v1Video = resolveMethod("GET", concrete("/v1/videos/{id}"));
    expect(targetFunction(v1Video as Json)).toBe(apiFunctionId);
    expect(v1Video?.Integration?.ResponseTransferMode ?? "BUFFERED").toBe("BUFFERED");
    // The other method on a streamed path still goes to the API function.
    const deleteVideo = resolveMethod("DELETE", concrete("/api/v1/videos/{id}"));
    expect(targetFunction(deleteVideo as Json)).toBe(apiFunctionId);
  });

  it("opens nothing the route list does not mark public (CORS preflights aside)", () => {
    const open = ofType("AWS::ApiGateway::Method")
      .map(([, r]) => props(r))
      .filter((m) => m.HttpMethod !== "OPTIONS" && m.AuthorizationType === "NONE");
    const publicCount = required.filter((r) => r.public).length;
    expect(open).toHaveLength(publicCount);
    for (const m of open) {
      expect(m.HttpMethod).toBe("GET");
      expect(m.ApiKeyRequired ?? false).toBe(false);
    }
  });

  it("caps anonymous traffic on every public method", () => {
    const [, stage] = ofType("AWS::ApiGateway::Stage")[0] ?? [];
    const settings = props(stage).MethodSettings as Json[];
    const keyed = settings.find((s) => s.HttpMethod === "*");
    for (const r of required.filter((x) => x.public)) {
      const resourcePath = r.path === "/" ? "/" : `/${r.path.replace(/\//g, "~1")}`;
      const setting = settings.find((s) => s.ResourcePath === resourcePath && s.HttpMethod === r.method);
      expect(setting, `${r.method} ${r.path}`).toBeDefined();
      expect(setting?.ThrottlingRateLimit).toBeLessThan(keyed?.ThrottlingRateLimit);
      expect(setting?.LoggingLevel).toBe("ERROR");
    }
  });

  it("lets API Gateway invoke each function with one permission, however many methods route to it", () => {
    // A statement per method would push a function's resource policy toward Lambda's 20 KB limit.
    const permissions = ofType("AWS::Lambda::Permission")
      .map(([, r]) => props(r))
      .filter((p) => p.Principal === "apigateway.amazonaws.com");
    const perFunction = new Map<string, number>();
    for (const p of permissions) {
      const fn = JSON.stringify(p.FunctionName);
      perFunction.set(fn, (perFunction.get(fn) ?? 0) + 1);
    }
    // The API function, the download function and the authorizer.
    expect(perFunction.size).toBe(3);
    for (const [fn, count] of perFunction) expect(count, fn).toBe(1);
  });

  it("never caches an authorizer result, so a request can never ride on another key's answer", () => {
    // A cached result would be keyed by the identity sources; with several ways to send a key (and
    // API Gateway answering 401 when a listed source is missing) no cache key covers them all.
    const [, authorizer] = ofType("AWS::ApiGateway::Authorizer")[0] ?? [];
    expect(props(authorizer).AuthorizerResultTtlInSeconds).toBe(0);
    expect(props(authorizer).IdentitySource ?? "").toBe("");
  });
});
