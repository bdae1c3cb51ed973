/**
 * Benchmark: cold start of the render image's runtime, started the way its ENTRYPOINT starts it
 * (lambda-entrypoint.sh: node on aws-lambda-ric) against `npx aws-lambda-ric` (the entry point the
 * image had before), interleaved in one run. A cold start ends when the runtime, its handler
 * module imported, first asks the Runtime API for work. No container: scripts/render-image-runtime.ts.
 *
 *   npx tsx bench/ric-cold-start.ts [--repeat 7] [--json]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  lambdaEnvironment,
  prepareTaskRoot,
  readRenderImage,
  startImageRuntime,
} from "../scripts/render-image-runtime.js";
import { LambdaRuntimeApi } from "../test/support/lambda-runtime-api.js";
import { median } from "./bench-env.js";

const { values: opts } = parseArgs({
  options: { repeat: { type: "string", default: "7" }, json: { type: "boolean", default: false } },
});
const repeat = Math.max(1, Number(opts.repeat));

/** What the render handler's configuration needs at import; nothing is called during a cold start. */
const FUNCTION_ENV = {
  VIDEOCRAFT_BUCKET: "videocraft-bench",
  VIDEOCRAFT_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/render",
  VIDEOCRAFT_AUTH: "gateway",
};

async function coldStartMs(
  root: string,
  image: Awaited<ReturnType<typeof readRenderImage>>,
  entrypoint?: string[],
): Promise<number> {
  const api = await new LambdaRuntimeApi().start();
  const started = performance.now();
  let output = "";
  const child = startImageRuntime({
    image,
    root,
    cmd: image.cmd,
    entrypoint,
    env: {
      ...lambdaEnvironment({
        runtimeApi: api.address,
        functionName: "bench",
        memoryMb: 3008,
        region: "eu-west-1",
      }),
      ...FUNCTION_ENV,
      // `npx aws-lambda-ric` passes the CMD on as an argument, which aws-lambda-ric 4 ignores.
      ...(entrypoint ? { _HANDLER: image.cmd[0] ?? "" } : {}),
    },
    onOutput: (chunk) => {
      output += chunk;
    },
  });
  try {
    const exited = new Promise<never>((_, reject) =>
      child.on("exit", (code) => reject(new Error(`runtime exited (${code}) before polling:\n${output}`))),
    );
    const polled = await Promise.race([api.firstPoll, exited]);
    return polled - started;
  } finally {
    child.kill("SIGKILL");
    await api.close();
  }
}

async function main() {
  const root = await mkdtemp(path.join(tmpdir(), "vc-ric-bench-"));
  try {
    const image = await readRenderImage();
    await prepareTaskRoot(root, image);
    const npx = ["npx", "aws-lambda-ric"];
    // One warm-up of each, so the file cache treats both alike.
    await coldStartMs(root, image);
    await coldStartMs(root, image, npx);
    const entry: number[] = [];
    const viaNpx: number[] = [];
    for (let i = 0; i < repeat; i++) {
      entry.push(await coldStartMs(root, image));
      viaNpx.push(await coldStartMs(root, image, npx));
    }
    const result = {
      entrypoint: image.entrypoint.join(" "),
      entrypointMs: Math.round(median(entry)),
      npxMs: Math.round(median(viaNpx)),
      npxRatio: Math.round((median(viaNpx) / median(entry)) * 100) / 100,
      repeat,
    };
    console.log(`cold start to the first Runtime API poll (median of ${repeat}):`);
    console.log(`  ${result.entrypoint.padEnd(28)} ${String(result.entrypointMs).padStart(6)} ms   1.00`);
    console.log(
      `  ${"npx aws-lambda-ric".padEnd(28)} ${String(result.npxMs).padStart(6)} ms   ${result.npxRatio.toFixed(2)}`,
    );
    if (opts.json) console.log(JSON.stringify(result));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
