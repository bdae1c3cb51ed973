/**
 * Runs the render handler the way Lambda runs the render image, against the embedded emulator:
 *
 *   npx tsx scripts/invoke-render-lambda.ts [project.json]
 *
 * 1. bundles functions/render/handler.ts with the Dockerfile's own esbuild command (lambda-bundles.ts)
 *    into a folder outside the repository, so nothing but the bundle can be imported (as in /var/task);
 * 2. starts the embedded S3+SQS stack and submits the project through the real API handler over HTTP
 *    (without a project: a 2-second picture generated with ffmpeg);
 * 3. plays Lambda's SQS event source mapping (local/worker-loop.ts: receive, SQS event, delete on
 *    success, redeliver on failure) and runs each invocation in a fresh Node process with only
 *    Lambda-like environment variables: it imports the bundle and calls `handler(event, context)`;
 * 4. prints the final job status, whether videos/<id>.mp4 exists, and the EMF lines the
 *    invocations wrote to stdout. Exits 1 unless the job completed with its video.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Context } from "aws-lambda";
import { createAwsClients } from "../functions/adapters/aws-clients.js";
import { createApiHandler } from "../functions/api/create-api-handler.js";
import { loadConfig } from "../functions/core/config.js";
import type { JobRecord } from "../functions/core/jobs/job-record.js";
import { JobStore } from "../functions/core/jobs/job-store.js";
import { storageKeys } from "../functions/core/jobs/storage-keys.js";
import { InProcessMetrics } from "../functions/core/ports/in-process-metrics.js";
import { silentLog } from "../functions/core/ports/log.js";
import { apiDeps, servicePorts } from "../functions/wiring.js";
import { ApiClient } from "../local/api-client.js";
import { startEmbeddedStack } from "../local/embedded-stack.js";
import { generateImage } from "../local/generate-media.js";
import { startHttpServer } from "../local/http-server.js";
import { startWorkerLoop } from "../local/worker-loop.js";
import { bundleRenderHandler } from "./lambda-bundles.js";
import { xrayTraceHeader } from "./render-image-runtime.js";

/** The render function's timeout on AWS (infra/settings.ts renderTimeoutSeconds default). */
const RENDER_TIMEOUT_MS = 900_000;

export interface BundledInvocation {
  ok: boolean;
  /** What the handler returned (ok), or the error it threw. */
  result?: unknown;
  error?: { name: string; message: string; stack?: string };
  /** Everything the invocation printed, one entry per line: logs and EMF documents. */
  stdout: string[];
  stderr: string;
}

/**
 * One cold invocation of `handlerName` exported by `bundle`, in a new Node process started in the
 * bundle's folder with `env` only (plus PATH, HOME and TMPDIR), as Lambda's Node runtime would.
 */
export async function invokeBundledHandler(options: {
  bundle: string;
  handlerName: string;
  event: unknown;
  env: Record<string, string>;
  timeoutMs?: number;
  functionName?: string;
}): Promise<BundledInvocation> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const dir = await mkdtemp(path.join(tmpdir(), "vc-invoke-"));
  const eventFile = path.join(dir, "event.json");
  const resultFile = path.join(dir, "result.json");
  await writeFile(eventFile, JSON.stringify(options.event));
  const functionName = options.functionName ?? "videocraft-lambda-sim";
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: tmpdir(),
    TMPDIR: tmpdir(),
    TZ: ":UTC",
    LAMBDA_TASK_ROOT: path.dirname(options.bundle),
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs24.x",
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "3008",
    NODE_OPTIONS: "--enable-source-maps",
    // What Lambda sets for a traced invocation; the tracer's segments go to an X-Ray daemon
    // address nothing listens on here (UDP, so nothing waits for it).
    _X_AMZN_TRACE_ID: xrayTraceHeader(),
    ...options.env,
  };
  try {
    const child = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(
        process.execPath,
        ["--input-type=module", "-e", RUNNER, options.bundle, options.handlerName, eventFile, resultFile],
        {
          cwd: path.dirname(options.bundle),
          env: { ...env, VC_SIM_TIMEOUT_MS: String(timeoutMs), VC_SIM_FUNCTION: functionName },
          timeout: timeoutMs + 10_000,
          maxBuffer: 64 * 1024 * 1024,
        },
        (err, stdout, stderr) => {
          if (err && err.code !== 1) reject(Object.assign(err, { stdout, stderr }));
          else resolve({ stdout, stderr });
        },
      );
    });
    const outcome = JSON.parse(await readFile(resultFile, "utf8")) as Pick<
      BundledInvocation,
      "ok" | "result" | "error"
    >;
    return { ...outcome, stdout: child.stdout.split("\n").filter(Boolean), stderr: child.stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs inside the child: import the bundle (a failure here is a cold-start failure), call the
 * handler with a Lambda-shaped context, write the outcome, exit (Lambda freezes the process
 * instead; open sockets must not keep it alive here).
 */
const RUNNER = `
import { writeFileSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { randomUUID } from "node:crypto";
const [bundle, handlerName, eventFile, resultFile] = process.argv.slice(1);
const deadline = Date.now() + Number(process.env.VC_SIM_TIMEOUT_MS);
const name = process.env.VC_SIM_FUNCTION;
const requestId = randomUUID();
const context = {
  callbackWaitsForEmptyEventLoop: true, functionName: name, functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:" + name,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, awsRequestId: requestId,
  logGroupName: "/aws/lambda/" + name, logStreamName: "sim/" + requestId,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
};
try {
  const mod = await import(pathToFileURL(bundle).href);
  const result = await mod[handlerName](JSON.parse(readFileSync(eventFile, "utf8")), context);
  writeFileSync(resultFile, JSON.stringify({ ok: true, result: result ?? null }));
  process.exit(0);
} catch (e) {
  writeFileSync(resultFile, JSON.stringify({ ok: false, error: { name: e?.name, message: e?.message, stack: e?.stack } }));
  process.exit(1);
}
`;

export interface RenderLambdaRun {
  jobId: string;
  record: JobRecord | undefined;
  videoExists: boolean;
  invocations: BundledInvocation[];
}

/** Steps 1–4 of the header; the test calls this, the command line prints it. */
export async function runRenderLambda(options: { project?: unknown; timeoutMs?: number } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), "vc-lambda-"));
  const stack = await startEmbeddedStack();
  const clients = createAwsClients({
    region: "us-east-1",
    awsEndpoint: stack.endpoint,
    awsEndpointSecret: stack.secret,
  });
  try {
    const taskDir = path.join(dir, "task");
    const mediaDir = path.join(dir, "media");
    await mkdir(mediaDir, { recursive: true });
    const [bundle] = await Promise.all([
      bundleRenderHandler(taskDir),
      generateImage(path.join(mediaDir, "blue.png"), { width: 160, height: 90, color: "#0000ff" }),
    ]);
    const project = options.project ?? {
      width: 320,
      height: 180,
      scenes: [
        { duration: 2, elements: [{ type: "image", src: `file://${path.join(mediaDir, "blue.png")}` }] },
      ],
    };
    // What the deployed functions get (infra/videocraft-stack.ts), pointed at the emulator.
    const env: Record<string, string> = {
      ...stack.env,
      VIDEOCRAFT_AUTH: "gateway",
      VIDEOCRAFT_LOCAL_ALLOWED_DIR: mediaDir,
      VIDEOCRAFT_FFMPEG_PRESET: "ultrafast",
      VIDEOCRAFT_WORK_DIR: path.join(dir, "work"),
    };

    const config = loadConfig(env);
    const ports = servicePorts(config, clients);
    const { store } = ports;
    const metrics = new InProcessMetrics();
    const api = createApiHandler(apiDeps(config, ports, { log: silentLog, metrics, metricsReader: metrics }));
    // Standing in for API Gateway, which has checked the key and passes its id to the function.
    const http = await startHttpServer((event, context) =>
      api(
        {
          ...event,
          requestContext: {
            ...event.requestContext,
            identity: { ...event.requestContext.identity, apiKeyId: "sim-key-id" },
          },
        },
        context,
      ),
    );
    const invocations: BundledInvocation[] = [];
    let jobId: string;
    try {
      ({ id: jobId } = await new ApiClient(http.url, "").submit(project));
    } finally {
      await http.close();
    }

    const loop = startWorkerLoop({
      sqs: clients.sqs,
      queueUrl: config.queueUrl,
      timeoutMs: RENDER_TIMEOUT_MS,
      functionName: "videocraft-render-sim",
      log: silentLog,
      handler: async (event, context: Context) => {
        const run = await invokeBundledHandler({
          bundle,
          handlerName: "handler",
          event,
          env,
          timeoutMs: Math.min(context.getRemainingTimeInMillis(), options.timeoutMs ?? RENDER_TIMEOUT_MS),
          functionName: "videocraft-render-sim",
        });
        invocations.push(run);
        if (!run.ok) throw new Error(`invocation failed: ${run.error?.message}`);
        return run.result as never;
      },
    });
    const jobs = new JobStore(store);
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    let record: JobRecord | undefined;
    try {
      while (Date.now() < deadline) {
        record = await jobs.getStatus(jobId);
        if (record && ["completed", "failed", "cancelled"].includes(record.status)) break;
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await loop.stop();
    }
    const videoExists = await store.exists(storageKeys.video(jobId));
    return { jobId, record, videoExists, invocations } satisfies RenderLambdaRun;
  } finally {
    clients.s3.destroy();
    clients.sqs.destroy();
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main() {
  const file = process.argv[2];
  const project = file ? JSON.parse(await readFile(file, "utf8")) : undefined;
  const run = await runRenderLambda({ project });
  const emf = run.invocations.flatMap((i) => i.stdout.filter((l) => l.includes('"_aws"')));
  console.log(
    JSON.stringify(
      {
        job_id: run.jobId,
        status: run.record?.status,
        error: run.record?.error,
        video_key: storageKeys.video(run.jobId),
        video_exists: run.videoExists,
        invocations: run.invocations.map((i) => ({ ok: i.ok, result: i.result, error: i.error?.message })),
        emf: emf.map((l) => JSON.parse(l)),
      },
      null,
      2,
    ),
  );
  if (run.record?.status !== "completed" || !run.videoExists) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
