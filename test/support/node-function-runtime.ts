import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { lambdaRicDir } from "../../scripts/render-image-runtime.js";

export interface NodeFunctionRuntimeOptions {
  /** The unzipped bundle, as Lambda unpacks it to /var/task. */
  taskRoot: string;
  /** The function's Handler setting: `index.handler`. */
  handler: string;
  /** What Lambda sets (lambdaEnvironment) and the function's own variables. */
  env: Record<string, string>;
  onOutput?: (chunk: string) => void;
}

/**
 * A zip function's bundle run as Lambda's managed Node.js 24 runtime runs it: the runtime
 * interface client (the package the managed runtime is built from, the version the render image
 * pins) loads `handler` from the task root and polls the Runtime API for work.
 */
export async function startNodeFunctionRuntime(options: NodeFunctionRuntimeOptions): Promise<ChildProcess> {
  const ric = path.join(await lambdaRicDir(), "index.mjs");
  const child = spawn(process.execPath, [ric], {
    cwd: options.taskRoot,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      LAMBDA_TASK_ROOT: options.taskRoot,
      _HANDLER: options.handler,
      AWS_EXECUTION_ENV: "AWS_Lambda_nodejs24.x",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => options.onOutput?.(chunk));
  }
  return child;
}
