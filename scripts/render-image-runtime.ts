/**
 * The render image's runtime without a container: its task root (the bundle the Dockerfile builds,
 * the aws-lambda-ric the Dockerfile installs), its environment and its entry point, read from
 * layers/render-image/Dockerfile so they cannot drift from what the image runs. The Lambda side
 * (the Runtime API and the variables Lambda sets) is the caller's.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { access, copyFile, mkdir, readFile, symlink } from "node:fs/promises";
import path from "node:path";
import { REPO_ROOT } from "../infra/repo-root.js";
import { bundleRenderHandler, RENDER_DOCKERFILE, shellWords } from "./lambda-bundles.js";

/** The image's task root (WORKDIR, LAMBDA_TASK_ROOT). */
const IMAGE_TASK_ROOT = "/var/task";

export interface DockerInstruction {
  keyword: string;
  args: string;
}

/** A Dockerfile's instructions, continuation lines joined and comments dropped. */
export function dockerInstructions(text: string): DockerInstruction[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const [keyword = "", ...rest] = l.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(" ") };
    });
}

/** The final stage's instructions, after the global ARGs whose defaults its ARGs inherit. */
export async function finalStageInstructions(dockerfile = RENDER_DOCKERFILE): Promise<DockerInstruction[]> {
  const all = dockerInstructions(await readFile(dockerfile, "utf8"));
  const lastFrom = all.map((i) => i.keyword).lastIndexOf("FROM");
  const globals = all.slice(
    0,
    all.findIndex((i) => i.keyword === "FROM"),
  );
  return [...globals.filter((i) => i.keyword === "ARG"), ...all.slice(lastFrom)];
}

export interface RenderImage {
  /** ENV of the final stage, `${ARG}`s expanded to their defaults. */
  env: Record<string, string>;
  entrypoint: string[];
  cmd: string[];
  /** Image path → repository file, for every file COPY'd from the build context. */
  copies: Map<string, string>;
}

export async function readRenderImage(dockerfile = RENDER_DOCKERFILE): Promise<RenderImage> {
  const instructions = await finalStageInstructions(dockerfile);
  const args = new Map<string, string>();
  const env: Record<string, string> = {};
  const copies = new Map<string, string>();
  const expand = (v: string) =>
    v.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => args.get(a ?? b) ?? env[a ?? b] ?? "");
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  for (const { keyword, args: text } of instructions) {
    if (keyword === "ARG") {
      const [name, value] = text.split("=", 2);
      if (name && value !== undefined) args.set(name, value);
    } else if (keyword === "ENV") {
      for (const word of shellWords(text)) {
        const eq = word.indexOf("=");
        if (eq > 0) env[word.slice(0, eq)] = expand(word.slice(eq + 1));
      }
    } else if (keyword === "ENTRYPOINT") {
      entrypoint = JSON.parse(text) as string[];
    } else if (keyword === "CMD") {
      cmd = JSON.parse(text) as string[];
    } else if (keyword === "COPY" && !text.startsWith("--from")) {
      const [source, target] = text.split(/\s+/);
      if (source && target) copies.set(target, path.join(REPO_ROOT, source));
    }
  }
  return { env, entrypoint, cmd, copies };
}

/**
 * A task root laid out as the image's /var/task: the render bundle (built by the Dockerfile's own
 * esbuild command) and node_modules/aws-lambda-ric (installed from the image's own lockfile by
 * scripts/build-lambda-ric.sh), plus every file the final stage copies from the build context, under `root`.
 */
export async function prepareTaskRoot(root: string, image: RenderImage): Promise<string> {
  const taskRoot = path.join(root, "var/task");
  await bundleRenderHandler(taskRoot);
  await mkdir(path.join(root, "tmp"), { recursive: true });
  await mkdir(path.join(taskRoot, "node_modules/.bin"), { recursive: true });
  await symlink(await lambdaRicDir(), path.join(taskRoot, "node_modules/aws-lambda-ric"));
  await symlink("../aws-lambda-ric/index.mjs", path.join(taskRoot, "node_modules/.bin/aws-lambda-ric"));
  for (const [target, source] of image.copies) {
    if (!target.startsWith("/")) continue;
    const local = path.join(root, target);
    await mkdir(path.dirname(local), { recursive: true });
    await copyFile(source, local);
  }
  return taskRoot;
}

/** Where scripts/build-lambda-ric.sh (run by `npm test`'s pretest) installed the image's client. */
export async function lambdaRicDir(): Promise<string> {
  const dir = path.join(
    process.env.VIDEOCRAFT_LAMBDA_RIC_DIR ?? path.join(REPO_ROOT, ".cache/lambda-ric"),
    "node_modules/aws-lambda-ric",
  );
  try {
    await access(path.join(dir, "index.mjs"));
  } catch {
    throw new Error(`aws-lambda-ric is not installed at ${dir}: run bash scripts/build-lambda-ric.sh`);
  }
  return dir;
}

export interface StartOptions {
  image: RenderImage;
  /** Where prepareTaskRoot laid the image's files out. */
  root: string;
  /** The handler, as the function's CMD (ImageConfig.Command) passes it. */
  cmd: string[];
  /** What Lambda adds: AWS_LAMBDA_RUNTIME_API, function name, region, the function's variables, … */
  env: Record<string, string>;
  /** Replaces the image's entry point (to measure another way of starting the same client). */
  entrypoint?: string[];
  onOutput?: (chunk: string) => void;
}

/**
 * Starts the image's entry point as Lambda would start the container: its ENV, the given
 * variables on top, the image's WORKDIR, CMD as arguments. Image paths (/var/task, /tmp, files the
 * image copies in) are mapped under `root`; programs run from this machine's PATH.
 */
export function startImageRuntime(options: StartOptions): ChildProcess {
  const { image, root } = options;
  const mapPath = (value: string) => {
    for (const prefix of [IMAGE_TASK_ROOT, "/tmp"]) {
      if (value === prefix || value.startsWith(`${prefix}/`)) return path.join(root, value);
    }
    return image.copies.has(value) ? path.join(root, value) : value;
  };
  const imageEnv = Object.fromEntries(Object.entries(image.env).map(([k, v]) => [k, mapPath(v)]));
  const [program, ...args] = (options.entrypoint ?? image.entrypoint).map(mapPath);
  if (!program) throw new Error("the image has no ENTRYPOINT");
  const child = spawn(program, [...args, ...options.cmd], {
    cwd: path.join(root, IMAGE_TASK_ROOT),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...imageEnv, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => options.onOutput?.(chunk));
  }
  return child;
}

/** The variables Lambda sets for every function (the Runtime API address among them). */
export function lambdaEnvironment(o: {
  runtimeApi: string;
  functionName: string;
  memoryMb: number;
  region: string;
  xrayDaemon?: string;
}): Record<string, string> {
  return {
    AWS_LAMBDA_RUNTIME_API: o.runtimeApi,
    AWS_LAMBDA_FUNCTION_NAME: o.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(o.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${o.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: "local/runtime",
    AWS_REGION: o.region,
    AWS_DEFAULT_REGION: o.region,
    AWS_XRAY_DAEMON_ADDRESS: o.xrayDaemon ?? "127.0.0.1:2000",
    AWS_XRAY_CONTEXT_MISSING: "LOG_ERROR",
    TZ: ":UTC",
  };
}

/** An X-Ray trace header as Lambda passes it to a sampled invocation. */
export function xrayTraceHeader(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${randomBytes(12).toString("hex")};Parent=${randomBytes(8).toString("hex")};Sampled=1`;
}
