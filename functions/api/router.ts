import { decodeUrlComponentOrKeep } from "./decode-url-component.js";
import type { RouteDefinition } from "./define-route.js";

/** One (method, path) a route answers: its own path or one of its aliases. */
export interface MountedRoute {
  readonly method: string;
  /** `/v1/jobs/{id}`: logged as is, so per-route metrics don't explode on ids. */
  readonly pattern: string;
  readonly definition: RouteDefinition;
}

export type RouteMatch =
  | { kind: "found"; route: MountedRoute; params: Record<string, string> }
  | { kind: "wrong-method"; allow: string[] }
  | { kind: "none" };

export interface Router {
  /** Every (method, path) served, in the order of the route list. */
  readonly mounted: readonly MountedRoute[];
  match(method: string, path: string): RouteMatch;
}

/** Every path of every route, aliases after each route's own path, in list order. */
export function mountRoutes(routes: readonly RouteDefinition[]): MountedRoute[] {
  return routes.flatMap((definition) =>
    [definition.path, ...definition.aliases].map((pattern) => ({
      method: definition.method,
      pattern,
      definition,
    })),
  );
}

/** Matches requests against the routes; two routes claiming the same method and path fail here. */
export function createRouter(routes: readonly RouteDefinition[]): Router {
  const mounted = mountRoutes(routes);
  const seen = new Set<string>();
  for (const { method, pattern } of mounted) {
    const key = `${method} ${pattern.replace(/\{\w+\}/g, "{}")}`;
    if (seen.has(key)) throw new Error(`two routes answer ${method} ${pattern}`);
    seen.add(key);
  }
  return {
    mounted,
    match(method, path) {
      const allow: string[] = [];
      for (const route of mounted) {
        const params = matchPattern(route.pattern, path);
        if (!params) continue;
        if (route.method === method) return { kind: "found", route, params };
        if (!allow.includes(route.method)) allow.push(route.method);
      }
      return allow.length > 0 ? { kind: "wrong-method", allow } : { kind: "none" };
    },
  };
}

function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const actual = got[i] ?? "";
    if (part.startsWith("{") && part.endsWith("}")) {
      if (actual === "") return undefined;
      params[part.slice(1, -1)] = decodeUrlComponentOrKeep(actual);
    } else if (part !== actual) return undefined;
  }
  return params;
}
