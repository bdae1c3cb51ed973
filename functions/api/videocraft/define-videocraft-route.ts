import { VIDEOCRAFT_AUTH_FORMS } from "../auth-forms.js";
import { defineRoute, type RouteDefinition, type RouteDoc, type RouteInit } from "../define-route.js";
import { checkCsrf } from "./csrf.js";
import { type NotFoundAs, videoCraftErrors } from "./videocraft-errors.js";

export interface VideoCraftRouteInit extends Omit<RouteInit, "auth" | "errors" | "doc"> {
  doc: Omit<RouteDoc, "tag">;
  /** How a 404 of this route reads (`JOB_NOT_FOUND` / "Job not found"). */
  notFound?: NotFoundAs;
}

/**
 * A route of VideoCraft's own API: its paths, its request and response shapes, its error body,
 * every way its server accepts a key, and its CSRF check on state-changing methods when enabled.
 * Listed under the `videocraft` tag of the OpenAPI document.
 */
export function defineVideoCraftRoute(init: VideoCraftRouteInit): RouteDefinition {
  const { notFound, doc, handle, ...rest } = init;
  return defineRoute({
    ...rest,
    auth: VIDEOCRAFT_AUTH_FORMS,
    errors: videoCraftErrors(notFound),
    doc: { ...doc, tag: "videocraft" },
    handle: async (req, deps) => {
      checkCsrf(req, deps.config);
      return handle(req, deps);
    },
  });
}

export const JOB_NOT_FOUND: NotFoundAs = { code: "JOB_NOT_FOUND", message: "Job not found" };
export const VIDEO_NOT_FOUND: NotFoundAs = { code: "VIDEO_NOT_FOUND", message: "Video not found" };
