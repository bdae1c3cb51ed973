import { randomBytes } from "node:crypto";
import type { Config } from "../../core/config.js";
import type { ObjectStore } from "../../core/ports/object-store.js";
import { ApiError } from "../api-error.js";
import { defineRoute } from "../define-route.js";
import { type StudioFiles, studioCsp, studioFiles } from "../studio/studio-files.js";

/**
 * The studio page. Public like the published contract: it is static, holds no data, and the page
 * asks for the key before it calls anything else. `/` stays the API's JSON answer for clients;
 * browsers go to `/studio`.
 */
export const studioPageRoute = defineRoute({
  method: "GET",
  path: "/studio",
  public: true,
  doc: {
    tag: "meta",
    summary: "The studio: write, check, render and play requests in a browser (HTML, no key to load)",
    responses: { 200: { description: "the page (text/html)" } },
    errors: { 404: "this deployment serves no studio" },
  },
  handle: async (req, deps) => {
    const files = await requireStudio(deps.config);
    const nonce = randomBytes(16).toString("base64");
    return {
      statusCode: 200,
      headers: {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": studioCsp(await storeOrigin(deps.store), nonce),
        "cache-control": "no-cache",
        "x-content-type-options": "nosniff",
        // Presigned links and job ids stay out of other sites' logs.
        "referrer-policy": "no-referrer",
        "x-frame-options": "DENY",
      },
      body: files.html(req.basePath, nonce),
    };
  },
});

/** The studio's script and style; content-hashed names, so caches may keep them for good. */
export const studioAssetRoute = defineRoute({
  method: "GET",
  path: "/studio/assets/{file}",
  public: true,
  doc: {
    tag: "meta",
    summary: "The studio's script and style (immutable, content-hashed names)",
    pathParams: { file: "a name the studio page links to" },
    responses: { 200: { description: "JavaScript or CSS" } },
    errors: { 404: "no such asset" },
  },
  handle: async (req, deps) => {
    const asset = (await requireStudio(deps.config)).asset(req.params.file ?? "");
    if (!asset) throw new ApiError(404, "NOT_FOUND", "no such studio asset");
    return {
      statusCode: 200,
      headers: {
        "content-type": asset.contentType,
        "cache-control": "public, max-age=31536000, immutable",
        "x-content-type-options": "nosniff",
      },
      body: asset.body,
    };
  },
});

async function requireStudio(config: Config): Promise<StudioFiles> {
  if (!config.studioDir) throw new ApiError(404, "NOT_FOUND", "this deployment serves no studio");
  try {
    return await studioFiles(config.studioDir);
  } catch {
    throw new ApiError(404, "NOT_FOUND", "the studio is not built in this deployment");
  }
}

/**
 * Where presigned links point (the bucket's endpoint: the emulator locally, S3 on AWS), for the
 * page's CSP. Signing is local computation; no request is made.
 */
async function storeOrigin(store: ObjectStore): Promise<string | undefined> {
  const origin = new URL(await store.presignGet("uploads/", 60)).origin;
  return origin === "null" ? undefined : origin;
}
