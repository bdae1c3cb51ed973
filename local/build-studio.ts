import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { STUDIO_MANIFEST, type StudioManifest } from "../functions/api/studio/studio-files.js";

const ROOT = resolve(import.meta.dirname, "..");
const PAGE = join(ROOT, "functions/api/studio/page");

export interface BuiltAsset {
  name: string;
  bytes: number;
  gzipBytes: number;
}

export interface StudioBuild {
  dir: string;
  js: BuiltAsset;
  css: BuiltAsset;
}

/**
 * Builds the studio into `outDir` as the API serves it (VIDEOCRAFT_STUDIO_DIR): the page's HTML
 * template, its script and style bundled and minified by esbuild under content-hashed names (so
 * they can be cached for good), a manifest naming them, and the example requests. `videocraft
 * serve` builds it at start (never stale), the API function's bundling builds it next to its code.
 */
export async function buildStudio(outDir: string): Promise<StudioBuild> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, "assets"), { recursive: true });
  const result = await build({
    entryPoints: { app: join(PAGE, "main.ts"), style: join(PAGE, "studio.css") },
    outdir: join(outDir, "assets"),
    entryNames: "[name]-[hash]",
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: ["chrome111", "firefox115", "safari16.4"],
    legalComments: "eof",
    metafile: true,
    logLevel: "warning",
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
  const js = outputs.find((n) => n.endsWith(".js"));
  const css = outputs.find((n) => n.endsWith(".css"));
  if (!js || !css) throw new Error(`the studio build wrote ${outputs.join(", ")}`);
  const manifest: StudioManifest = { js, css };
  await writeFile(join(outDir, STUDIO_MANIFEST), JSON.stringify(manifest));
  await copyFile(join(PAGE, "index.html"), join(outDir, "index.html"));
  await mkdir(join(outDir, "examples"));
  for (const file of await readdir(join(ROOT, "examples"))) {
    if (file.endsWith(".json")) await copyFile(join(ROOT, "examples", file), join(outDir, "examples", file));
  }
  const measure = async (name: string): Promise<BuiltAsset> => {
    const bytes = await readFile(join(outDir, "assets", name));
    return { name, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  };
  return { dir: outDir, js: await measure(js), css: await measure(css) };
}

// `tsx local/build-studio.ts <dir>`: what the API function's bundling runs.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error("usage: build-studio <out-dir>");
    process.exit(2);
  }
  const built = await buildStudio(resolve(dir));
  console.log(
    `studio: ${built.js.name} ${built.js.bytes} B (${built.js.gzipBytes} B gzipped), ${built.css.name} ${built.css.bytes} B`,
  );
}
