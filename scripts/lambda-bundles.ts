import { execFile } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../infra/repo-root.js";

const run = promisify(execFile);

export const RENDER_DOCKERFILE = path.join(REPO_ROOT, "layers/render-image/Dockerfile");
const ESBUILD = path.join(REPO_ROOT, "node_modules/.bin/esbuild");
/** Where the Dockerfile writes the bundle; the image copies this folder to /var/task. */
const IMAGE_OUT_DIR = "/out";

/** Shell words of one command line: "double" and 'single' quotes, backslash escapes. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else word = (word ?? "") + (c === "\\" && quote === '"' && i + 1 < line.length ? line[++i] : c);
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= "";
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? "") + (c === "\\" && i + 1 < line.length ? line[++i] : c);
    }
  }
  if (quote) throw new Error(`unterminated ${quote} in: ${line}`);
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * The esbuild command line of the render image's `bundle` stage, read from the Dockerfile itself
 * (so this cannot drift from what the image runs): the entry point and every flag, as argv words.
 */
export async function renderImageEsbuildArgs(dockerfile = RENDER_DOCKERFILE): Promise<string[]> {
  const text = (await readFile(dockerfile, "utf8")).replace(/\\\n/g, " ");
  const runs = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => /^RUN\s+\S*esbuild\s/.test(l));
  if (runs.length !== 1) throw new Error(`expected one esbuild RUN in ${dockerfile}, found ${runs.length}`);
  const [, , ...args] = shellWords(runs[0] as string);
  return args;
}

/**
 * Bundles functions/render/handler.ts exactly as layers/render-image/Dockerfile does, into
 * `outDir/handler.mjs` (+ .map): the same esbuild (package-lock), the same flags, only the output
 * folder differs. Returns the bundle's path.
 */
export async function bundleRenderHandler(outDir: string): Promise<string> {
  const args = await renderImageEsbuildArgs();
  const outfile = args.find((a) => a.startsWith("--outfile="));
  if (!outfile?.startsWith(`--outfile=${IMAGE_OUT_DIR}/`)) {
    throw new Error(`the Dockerfile's esbuild no longer writes to ${IMAGE_OUT_DIR}/: ${outfile}`);
  }
  const file = path.join(outDir, outfile.slice(`--outfile=${IMAGE_OUT_DIR}/`.length));
  await mkdir(outDir, { recursive: true });
  await run(ESBUILD, [...args.filter((a) => a !== outfile), `--outfile=${file}`, "--log-level=warning"], {
    cwd: REPO_ROOT,
  });
  return file;
}

/** The npm packages whose files went into a bundle, read from its source map. */
export async function bundledPackages(bundle: string): Promise<Set<string>> {
  const map = JSON.parse(await readFile(`${bundle}.map`, "utf8")) as { sources: string[] };
  const packages = new Set<string>();
  for (const source of map.sources) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(source);
    if (m?.[1]) packages.add(m[1]);
  }
  return packages;
}

/** The repository's own files (`functions/…`) that went into a bundle, read from its source map. */
export async function bundledSources(bundle: string): Promise<string[]> {
  const map = JSON.parse(await readFile(`${bundle}.map`, "utf8")) as { sources: string[] };
  return map.sources
    .filter((source) => !source.includes("node_modules/"))
    .map((source) => /(?:^|\/)(functions\/.+)$/.exec(source)?.[1])
    .filter((source): source is string => source !== undefined);
}
