import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * The built studio as the API serves it, from the folder VIDEOCRAFT_STUDIO_DIR names (built by
 * local/build-studio.ts: at `videocraft serve` start locally, next to the function's code on AWS).
 * No esbuild here: the API function only reads what was built.
 */

export const STUDIO_MANIFEST = "manifest.json";
/** Written by local mode next to the examples: how their `{{MEDIA}}` placeholders resolve there. */
export const EXAMPLE_MEDIA = "example-media.json";

export interface StudioManifest {
  js: string;
  css: string;
}

export interface StudioAsset {
  body: string;
  contentType: string;
}

export interface ExampleRequest {
  name: string;
  title: string;
  request: unknown;
  /** Sources still hold a `{{…}}` placeholder: replace them (upload your own media) before rendering. */
  needs_media: boolean;
}

export interface StudioFiles {
  /**
   * The page, its asset links and API base under `basePath` (the stage), and the nonce its
   * script gives the editor's generated style elements.
   */
  html(basePath: string, styleNonce: string): string;
  asset(name: string): StudioAsset | undefined;
  examples(): Promise<ExampleRequest[]>;
}

const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
};

const loaded = new Map<string, Promise<StudioFiles>>();

/** The studio in `dir`, read once per process (its asset names carry content hashes). */
export function studioFiles(dir: string): Promise<StudioFiles> {
  let files = loaded.get(dir);
  if (!files) {
    files = load(dir);
    // A folder that is not built yet may be built later: do not remember the failure.
    files.catch(() => loaded.delete(dir));
    loaded.set(dir, files);
  }
  return files;
}

async function load(dir: string): Promise<StudioFiles> {
  const manifest = JSON.parse(await readFile(join(dir, STUDIO_MANIFEST), "utf8")) as StudioManifest;
  const template = await readFile(join(dir, "index.html"), "utf8");
  const assets = new Map<string, StudioAsset>();
  for (const name of [manifest.js, manifest.css]) {
    const ext = name.split(".").pop() ?? "";
    assets.set(name, {
      body: await readFile(join(dir, "assets", name), "utf8"),
      contentType: TYPES[ext] ?? "text/plain",
    });
  }
  return {
    html: (basePath, styleNonce) =>
      template
        .replaceAll("%BASE%", escapeAttribute(basePath))
        .replaceAll("%STYLE_NONCE%", escapeAttribute(styleNonce))
        .replaceAll("%JS%", manifest.js)
        .replaceAll("%CSS%", manifest.css),
    asset: (name) => assets.get(name),
    examples: () => readExamples(dir),
  };
}

/** Read on each call: local mode writes the media mapping after the API has started. */
async function readExamples(dir: string): Promise<ExampleRequest[]> {
  const folder = join(dir, "examples");
  const media = await readFile(join(dir, EXAMPLE_MEDIA), "utf8").then(
    (text) => JSON.parse(text) as Record<string, string>,
    () => ({}) as Record<string, string>,
  );
  const files = (await readdir(folder)).filter((f) => f.endsWith(".json")).sort();
  return Promise.all(
    files.map(async (file) => {
      let text = await readFile(join(folder, file), "utf8");
      for (const [placeholder, value] of Object.entries(media)) text = text.replaceAll(placeholder, value);
      const request = JSON.parse(text) as { comment?: unknown };
      const comment = typeof request.comment === "string" ? request.comment : "";
      return {
        name: file.replace(/\.json$/, ""),
        title: /^[^.]*/.exec(comment)?.[0]?.trim() || file,
        request,
        needs_media: /"src"\s*:\s*"[^"]*\{\{\w+\}\}/.test(text),
      };
    }),
  );
}

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The page's Content-Security-Policy: scripts from this origin only (no inline code, no eval);
 * styles from this origin plus the `<style>` elements the editor generates, which carry this
 * response's nonce (CodeMirror's cspNonce); API calls to this origin, and the bucket's origin for
 * presigned uploads (connect), videos (media) and posters (img). `data:` images are the editor's
 * squiggly-underline icons and the page's empty icon.
 */
export function studioCsp(storeOrigin: string | undefined, styleNonce: string): string {
  const store = storeOrigin ? ` ${storeOrigin}` : "";
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${styleNonce}'`,
    `img-src 'self' data:${store}`,
    `media-src 'self'${store}`,
    `connect-src 'self'${store}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}
