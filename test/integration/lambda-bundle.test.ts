import { existsSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { METRIC_NAMESPACE, METRICS } from "../../functions/core/metric-names.js";
import {
  invokeBundledHandler,
  type RenderLambdaRun,
  runRenderLambda,
} from "../../scripts/invoke-render-lambda.js";
import { bundledPackages, bundledSources, bundleRenderHandler } from "../../scripts/lambda-bundles.js";
import { apiEvent } from "../support/api-event.js";
import { synthesizeWithBundles } from "../support/synthesized-bundles.js";

/**
 * Function bundles must not pull in the CDK, test tooling or the local emulator: each would only add
 * cold-start time and attack surface to code that never calls it.
 */
const FORBIDDEN = [
  "aws-cdk-lib",
  "constructs",
  "cdk-nag",
  "aws-cdk",
  "vitest",
  "fauxqs",
  "esbuild",
  "typescript",
  "tsx",
];
const MAX_BUNDLE_BYTES = 8 * 1024 * 1024;
/**
 * The render worker's source fetcher and ffprobe code: the API function has no use for them. (The
 * address policy is core: the API applies it to webhook URLs at submission.)
 */
const FETCHER_AND_FFPROBE = [
  "functions/render/pipeline/safe-fetch.ts",
  "functions/render/pipeline/probe-media.ts",
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "vc-bundle-test-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noExplicitAny: EMF documents are arbitrary JSON
const emfDocs = (run: RenderLambdaRun): any[] =>
  run.invocations.flatMap((i) => i.stdout.filter((l) => l.startsWith('{"_aws"')).map((l) => JSON.parse(l)));

describe("render handler, bundled as the render image bundles it and invoked as Lambda invokes it", () => {
  let run: RenderLambdaRun;
  beforeAll(async () => {
    run = await runRenderLambda({ timeoutMs: 90_000 });
  }, 120_000);

  it("completes the job and uploads videos/<id>.mp4", () => {
    expect(run.record?.status, JSON.stringify(run.record?.error)).toBe("completed");
    expect(run.videoExists).toBe(true);
    expect(run.invocations).toHaveLength(1);
    expect(run.invocations[0]).toMatchObject({ ok: true, result: { batchItemFailures: [] } });
  });

  it("writes EMF to stdout: ActiveJobs, then JobSeconds and RenderFps for the completed job", () => {
    const docs = emfDocs(run);
    for (const doc of docs) {
      expect(doc._aws.CloudWatchMetrics[0].Namespace).toBe(METRIC_NAMESPACE);
      expect(doc._aws.CloudWatchMetrics[0].Dimensions).toEqual([[]]);
    }
    const named = (name: string) => docs.filter((d) => d[name] !== undefined);
    expect(named(METRICS.activeJobs.name).length).toBeGreaterThanOrEqual(1);
    const [job] = named(METRICS.jobSeconds.name);
    expect(job.JobSeconds).toBeGreaterThan(0);
    expect(job.RenderFps).toBeGreaterThan(0);
    expect(job._aws.CloudWatchMetrics[0].Metrics).toEqual([
      { Name: "JobSeconds", Unit: "Seconds" },
      { Name: "RenderFps", Unit: "Count/Second" },
    ]);
  });

  it("bundles no CDK, test tooling or emulator", async () => {
    const bundle = await bundleRenderHandler(path.join(dir, "render"));
    const packages = await bundledPackages(bundle);
    expect(packages.has("@aws-sdk/client-s3")).toBe(true); // the map is read correctly
    for (const name of FORBIDDEN) expect(packages.has(name), name).toBe(false);
    expect((await stat(bundle)).size).toBeLessThan(MAX_BUNDLE_BYTES);
    // The worker does carry the fetcher and ffprobe code, so the API's check below can fail.
    const sources = await bundledSources(bundle);
    for (const file of FETCHER_AND_FFPROBE) expect(sources, file).toContain(file);
  });
});

describe("API handler, bundled by the CDK app's NodejsFunction", () => {
  let bundle: string;
  let downloadBundle: string;
  beforeAll(async () => {
    // A real synth with bundling on: the asset is exactly what `cdk deploy` uploads.
    const { bundleDirOf } = synthesizeWithBundles();
    bundle = path.join(bundleDirOf("ApiHandler"), "index.mjs");
    downloadBundle = path.join(bundleDirOf("ApiDownloadStream"), "index.mjs");
  }, 120_000);

  it("bundles no CDK, test tooling or emulator", async () => {
    expect(existsSync(bundle), bundle).toBe(true);
    const packages = await bundledPackages(bundle);
    expect(packages.has("@middy/core")).toBe(true);
    expect(packages.has("@aws-sdk/client-cloudwatch")).toBe(true);
    for (const name of FORBIDDEN) expect(packages.has(name), name).toBe(false);
    expect((await stat(bundle)).size).toBeLessThan(MAX_BUNDLE_BYTES);
  });

  it("carries none of the render worker's code: no source fetcher, no ffprobe (the dry run probes through a port)", async () => {
    const sources = await bundledSources(bundle);
    expect(sources).toContain("functions/api/create-api-handler.ts"); // the map is read correctly
    for (const file of [...FETCHER_AND_FFPROBE, "functions/render/pipeline/probe-source-head.ts"]) {
      expect(sources, file).not.toContain(file);
    }
    expect(sources.filter((file) => file.startsWith("functions/render/"))).toEqual([]);
  });

  it("bundles the download function the same way: no CDK, tooling or render code", async () => {
    expect(existsSync(downloadBundle), downloadBundle).toBe(true);
    const packages = await bundledPackages(downloadBundle);
    expect(packages.has("@aws-sdk/client-s3")).toBe(true);
    for (const name of FORBIDDEN) expect(packages.has(name), name).toBe(false);
    expect((await stat(downloadBundle)).size).toBeLessThan(MAX_BUNDLE_BYTES);
    const sources = await bundledSources(downloadBundle);
    expect(sources).toContain("functions/download/create-download-stream-handler.ts");
    expect(sources.filter((file) => file.startsWith("functions/render/"))).toEqual([]);
  });

  it("starts cold in a bare Node process and answers a request with CORS headers", async () => {
    const result = await invokeBundledHandler({
      bundle,
      handlerName: "handler",
      event: apiEvent({ path: "/v1/health", headers: { Origin: "https://app.example.com" } }),
      env: {
        VIDEOCRAFT_BUCKET: "videocraft-sim",
        VIDEOCRAFT_QUEUE_URL: "http://127.0.0.1:9/000000000000/videocraft-render",
        VIDEOCRAFT_AUTH: "gateway",
        AWS_REGION: "us-east-1",
      },
    });
    expect(result.error).toBeUndefined();
    expect(result.result).toMatchObject({
      statusCode: 200,
      headers: { "Access-Control-Allow-Origin": "*", "x-request-id": expect.any(String) },
    });
    // RequestDuration went to stdout as EMF.
    const emf = result.stdout.filter((l) => l.startsWith('{"_aws"')).map((l) => JSON.parse(l));
    expect(emf.map((d) => d._aws.CloudWatchMetrics[0].Metrics[0].Name)).toEqual(["RequestDuration"]);
  });

  it("serves the studio page from the studio/ folder built beside it, as /var/task/studio on Lambda", async () => {
    const result = await invokeBundledHandler({
      bundle,
      handlerName: "handler",
      event: apiEvent({ path: "/studio", stage: "/prod" }),
      env: {
        VIDEOCRAFT_BUCKET: "videocraft-sim",
        VIDEOCRAFT_QUEUE_URL: "http://127.0.0.1:9/000000000000/videocraft-render",
        VIDEOCRAFT_AUTH: "gateway",
        VIDEOCRAFT_STUDIO_DIR: path.join(path.dirname(bundle), "studio"),
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "example",
      },
    });
    expect(result.error).toBeUndefined();
    const page = result.result as { statusCode: number; headers: Record<string, string>; body: string };
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<script type="module" src="\/prod\/studio\/assets\/app-\w+\.js"><\/script>/);
    // The CSP names the bucket's S3 endpoint, where presigned links point.
    expect(page.headers["content-security-policy"]).toContain(
      "https://videocraft-sim.s3.us-east-1.amazonaws.com",
    );
  });
});
