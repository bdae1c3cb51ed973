import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { buffer } from "node:stream/consumers";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { HeadObjectCommand, PutObjectCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import { Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsClients, createAwsClients } from "../../functions/adapters/aws-clients.js";
import { CloudWatchMetricsReader } from "../../functions/adapters/cloudwatch-metrics-reader.js";
import { lambdaSourceProber } from "../../functions/adapters/lambda-source-prober.js";
import { createApiHandler } from "../../functions/api/create-api-handler.js";
import { loadConfig } from "../../functions/core/config.js";
import { systemClock } from "../../functions/core/ports/clock.js";
import { InProcessMetrics } from "../../functions/core/ports/in-process-metrics.js";
import { silentLog } from "../../functions/core/ports/log.js";
import type { Upload } from "../../functions/core/uploads/create-upload.js";
import { SINGLE_PUT_MAX_BYTES } from "../../functions/core/uploads/upload-rules.js";
import { createDownloadStreamHandler } from "../../functions/download/create-download-stream-handler.js";
import { createProbeHandler } from "../../functions/render/create-probe-handler.js";
import { apiDeps, servicePorts } from "../../functions/wiring.js";
import { DEAD_LETTER_HANDLER, PROBE_HANDLER, RENDER_HANDLER } from "../../infra/render-worker.js";
import type { VideoCraftStack } from "../../infra/videocraft-stack.js";
import { ApiClient, type JobView } from "../../local/api-client.js";
import { LOCAL_BUCKET } from "../../local/embedded-stack.js";
import { generateImage } from "../../local/generate-media.js";
import { LOCAL_FUNCTIONS, LOCAL_ONLY, runAsLocalFunction } from "../../local/lambda-context.js";
import { type LocalService, startLocalService } from "../../local/local-service.js";
import { uploadLocalFile } from "../../local/upload-file.js";
import { buildApp, FAST_APP, NO_BUNDLING } from "../infra/synth-app.js";
import { type ApiEventInit, apiEvent, lambdaContext } from "../support/api-event.js";
import { AwsCallRecorder, type RecordedAwsCall } from "../support/aws-call-recorder.js";
import { cannedRequestHandler } from "../support/canned-aws.js";
import { closeServer } from "../support/close-server.js";
import { parseHttpIntegrationResponse, preludeWriter } from "../support/http-integration-response.js";
import {
  allowingStatements,
  bucketName,
  type CfnTemplate,
  functionArn,
  type IamRequest,
  iamRequestsFor,
  type PolicyStatement,
  queueArn,
  roleStatements,
  wildcardMatch,
} from "../support/iam-policy.js";
import { LambdaInvokeApi } from "../support/lambda-invoke-api.js";

/**
 * Every AWS call each function makes, replayed against the IAM role the synthesized stack gives
 * that function. The emulator enforces no IAM, so a missing grant (the render worker presigning
 * its video without read access to videos/) would otherwise only show on the first real deploy.
 *
 * The local service runs with fan-out on and two worker loops, as the stack deploys it, and every
 * SDK client it makes is instrumented. Its API, render and dead-letter functions are named like
 * the deployed ones (local/lambda-context.ts), which maps each call to a function of the template.
 * What local mode does differently from AWS runs here as AWS does it, against the same emulator:
 * the API in gateway mode (two API keys), its dry run invoking the probe function through a
 * Lambda Invoke stand-in, and VideoCraft's downloads through the download function.
 */

/** Functions local mode does not run (its API probes and streams itself), run here in process. */
const PROBE_FUNCTION = "videocraft-probe";
const DOWNLOAD_FUNCTION = "videocraft-download";
/** API Gateway key ids of two clients of the deployed API. */
const KEY_A = "key-a";
const KEY_B = "key-b";

const recorder = new AwsCallRecorder();
let service: LocalService;
let client: ApiClient;
let setup: AwsClients;
let dir: string;
let receiver: http.Server;
let receiverUrl: string;
const webhooks: { path: string; body: { id: string; status: string; video_url?: string } }[] = [];

let stack: VideoCraftStack;
let template: CfnTemplate;
/** Local function name → logical id of the Lambda function that runs the same handler on AWS. */
let functionIds: Record<string, string>;
let arnOfQueue: Map<string, string>;

/** Jobs with comment "hold" wait here, so the job after them stays queued and can be cancelled queued. */
let releaseHolds: () => void;
const holds = new Promise<void>((resolve) => {
  releaseHolds = resolve;
});
const ids: Record<string, string> = {};
const finals: Record<string, JobView> = {};
/** What the upload runs ended with: each upload's s3:// source, and the oversize one's answer. */
const uploads: { single?: string; multipart?: string; oversize?: { status: number; key: string } } = {};
/** Small enough that an upload whose parts outgrow their signed sizes passes it. */
const MAX_FILE_BYTES = 10 * 1024 * 1024;
const MIB = 1024 * 1024;

/** The deployed API's paths (gateway auth, probe function, download function) over the emulator. */
let deployed: Awaited<ReturnType<typeof startDeployedPaths>>;
let invokeApi: LambdaInvokeApi;
let deployedClients: AwsClients;
/** What the deployed paths answered, by scenario. */
const answers: Record<
  string,
  { status: number; json?: unknown; headers?: Record<string, string>; body?: Buffer }
> = {};

const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  Stack.of(construct as never).resolve(
    Stack.of(construct as never).getLogicalId(construct.node.defaultChild as never),
  ) as string;

function synthRoles() {
  const app = buildApp(NO_BUNDLING, FAST_APP);
  stack = app.stack;
  template = Template.fromStack(stack).toJSON() as CfnTemplate;
  const imageFunction = (command: string) => {
    const found = Object.entries(template.Resources).find(
      ([, r]) =>
        r.Type === "AWS::Lambda::Function" &&
        (r.Properties?.ImageConfig as { Command?: string[] } | undefined)?.Command?.[0] === command,
    );
    if (!found) throw new Error(`no function runs ${command}`);
    return found[0];
  };
  // infra/: the API function bundles functions/api/handler.ts; the image runs functions/render/handler.ts
  // with CMD handler.handler (render and assembly queues) or handler.deadLetterHandler (both DLQs).
  functionIds = {
    [LOCAL_FUNCTIONS.api]: logicalId(stack.api.handler),
    [LOCAL_FUNCTIONS.render]: imageFunction(RENDER_HANDLER),
    [LOCAL_FUNCTIONS.deadLetter]: imageFunction(DEAD_LETTER_HANDLER),
    [PROBE_FUNCTION]: imageFunction(PROBE_HANDLER),
    // Local mode's dry run probes in process exactly what the probe function probes on AWS.
    [LOCAL_ONLY.dryRunProbe]: imageFunction(PROBE_HANDLER),
    [DOWNLOAD_FUNCTION]: logicalId(stack.api.downloadFunction),
  };
}

beforeAll(async () => {
  synthRoles();
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      webhooks.push({ path: req.url ?? "/", body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  dir = await mkdtemp(join(tmpdir(), "vc-iam-"));
  await generateImage(join(dir, "dot.png"), { width: 16, height: 16, color: "#00ff00" });
  service = await startLocalService({
    env: {
      VIDEOCRAFT_FFMPEG_PRESET: "ultrafast",
      // The webhook receiver listens on loopback.
      VIDEOCRAFT_ALLOW_PRIVATE_SOURCES: "true",
      VIDEOCRAFT_STORAGE_MAX_FILE_SIZE: String(MAX_FILE_BYTES),
    },
    fanout: true,
    workers: 2,
    clients: { instrument: recorder.instrument },
    webhook: { baseDelayMs: 20, maxDelayMs: 100 },
    faults: {
      async beforeStep(step, jobId) {
        if (step !== "fetching") return;
        const comment = (await service.jobs.getRequest(jobId))?.comment;
        if (comment === "hold") await holds;
        if (comment === "crash") throw new Error("simulated crash on every attempt");
      },
    },
  });
  client = new ApiClient(service.url, service.apiKey);
  // What a user's presigned PUT would leave in uploads/ (not a function's call: not recorded).
  setup = createAwsClients(service.config);
  await setup.s3.send(
    new PutObjectCommand({
      Bucket: LOCAL_BUCKET,
      Key: "uploads/dot.png",
      Body: await readFile(join(dir, "dot.png")),
      ContentType: "image/png",
    }),
  );
  const s = service.stack;
  arnOfQueue = new Map([
    [s.queueUrl, queueArn(logicalId(stack.renderQueue.queue))],
    [s.dlqUrl, queueArn(logicalId(stack.renderQueue.deadLetterQueue))],
    [s.assemblyQueueUrl, queueArn(logicalId(stack.assemblyQueue.queue))],
    [s.assemblyDlqUrl, queueArn(logicalId(stack.assemblyQueue.deadLetterQueue))],
  ]);
  deployed = await startDeployedPaths();
  await exercise();
}, 240_000);

afterAll(async () => {
  releaseHolds?.();
  await invokeApi?.close();
  deployedClients?.s3.destroy();
  deployedClients?.sqs.destroy();
  await service?.stop();
  setup?.s3.destroy();
  setup?.sqs.destroy();
  await closeServer(receiver);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const upload = `s3://${LOCAL_BUCKET}/uploads/dot.png`;
const project = (comment: string, scenes = 1, src = upload) => ({
  comment,
  width: 64,
  height: 64,
  fps: 10,
  webhook: { url: `${receiverUrl}/${comment}`, secret: "whsec-iam-replay-0123456789" },
  scenes: Array.from({ length: scenes }, (_, i) => ({
    duration: 0.5,
    "background-color": ["#ff0000", "#00ff00", "#0000ff"][i % 3],
    elements: [{ type: "image", src, x: 4 * i, y: 4 }],
  })),
});

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every route and every render path, each through the same handlers the stack deploys. */
async function exercise() {
  expect((await client.request("GET", "/v1/health")).status).toBe(200);
  const dry = await client.request("POST", "/v1/videos?dry_run=true", project("dry-run"));
  expect(dry.status, JSON.stringify(dry.body)).toBe(200);

  // Two held jobs occupy both render loops, so the third stays queued and is cancelled queued.
  ids.held1 = (await client.submit(project("hold"))).id;
  ids.held2 = (await client.submit(project("hold"))).id;
  await waitUntil(
    async () =>
      (await client.getJob(ids.held1 as string)).status === "processing" &&
      (await client.getJob(ids.held2 as string)).status === "processing",
    "both held jobs to start",
  );
  ids.cancelled = (await client.submit(project("cancelled"))).id;
  expect((await client.request("DELETE", `/v1/jobs/${ids.cancelled}`)).status).toBe(202);
  releaseHolds();

  const keyed = { "Idempotency-Key": "iam-replay-1" };
  ids.single = (await client.submit(project("single"), keyed)).id;
  expect((await client.submit(project("single"), keyed)).id).toBe(ids.single);
  ids.fanout = (await client.submit(project("fanout", 3))).id;
  ids.failed = (await client.submit(project("failed", 1, `s3://${LOCAL_BUCKET}/uploads/missing.png`))).id;
  ids.deadLettered = (await client.submit(project("crash"))).id;

  for (const [name, id] of Object.entries(ids)) {
    finals[name] = await client.waitForJob(id, { timeoutMs: 120_000, intervalMs: 200 });
  }
  // The dead-letter handler's webhook, and the worker's completed and failed ones.
  await waitUntil(() => webhooks.length >= 6, "the webhooks");

  expect((await client.request("GET", "/v1/jobs?limit=5")).status).toBe(200);
  const link = await client.request("GET", `/v1/videos/${ids.single}`, undefined, {
    accept: "application/json",
  });
  expect(link.status).toBe(200);
  expect((await client.request("GET", `/v1/videos/${ids.fanout}`)).status).toBe(302);
  expect((await client.request("DELETE", `/v1/videos/${ids.fanout}`)).status).toBe(204);
  expect((await client.request("GET", "/v1/metrics?period=1h")).status).toBe(200);
  // The studio's routes: a job's request back, its poster's presigned link, the examples.
  expect((await client.request("GET", `/v1/jobs/${ids.single}/request`)).status).toBe(200);
  expect((await client.request("GET", `/v1/videos/${ids.single}/poster`)).status).toBe(200);
  expect((await client.request("GET", "/v1/examples")).status).toBe(200);
  await useStoredTemplate();
  await readCloudWatchMetricsAsTheApi();
  await uploadFiles();
  await exerciseDeployedPaths();
}

/**
 * The API as the stack deploys it, on the local service's bucket and queues: API Gateway has
 * checked the key and names it by its id; a dry run invokes the probe function (the render
 * image's probe handler behind a Lambda Invoke stand-in); VideoCraft's downloads run in the
 * download function and are read back as API Gateway reads a streamed response.
 */
async function startDeployedPaths() {
  const config = loadConfig({
    ...service.stack.env,
    VIDEOCRAFT_ASSEMBLY_QUEUE_URL: service.stack.assemblyQueueUrl,
    VIDEOCRAFT_AUTH: "gateway",
    // The webhook receiver listens on loopback.
    VIDEOCRAFT_ALLOW_PRIVATE_SOURCES: "true",
  });
  deployedClients = createAwsClients(config, { instrument: recorder.instrument });
  const ports = servicePorts(config, deployedClients);
  const probeArn = functionArn(functionIds[PROBE_FUNCTION] as string);
  const probe = createProbeHandler({ config, store: ports.store });
  invokeApi = await new LambdaInvokeApi({
    [probeArn]: (payload) =>
      runAsLocalFunction(PROBE_FUNCTION, () => probe(payload, { getRemainingTimeInMillis: () => 25_000 })),
  }).start();
  const lambda = invokeApi.client();
  recorder.instrument(lambda);
  const metrics = new InProcessMetrics(systemClock);
  const deps = apiDeps(config, ports, {
    log: silentLog,
    metrics,
    metricsReader: metrics,
    probeSources: lambdaSourceProber({ client: lambda, functionName: probeArn }),
  });
  const api = createApiHandler(deps);
  const download = createDownloadStreamHandler(deps, preludeWriter);
  return {
    async call(init: ApiEventInit) {
      const headers =
        init.body === undefined ? init.headers : { "content-type": "application/json", ...init.headers };
      const res = await runAsLocalFunction(LOCAL_FUNCTIONS.api, () =>
        api(apiEvent({ ...init, ...(headers ? { headers } : {}) }), lambdaContext),
      );
      return { status: res.statusCode, json: res.body ? JSON.parse(res.body) : undefined };
    },
    async download(init: ApiEventInit) {
      const sink = new PassThrough();
      const bytes = buffer(sink);
      await runAsLocalFunction(DOWNLOAD_FUNCTION, () => download(apiEvent(init), sink, lambdaContext));
      const { prelude, body } = parseHttpIntegrationResponse(await bytes);
      return { status: prelude.statusCode, headers: prelude.headers, body };
    },
  };
}

/** VideoCraft's routes (create, status, list, cancel, download, delete) and a dry run, for two keys. */
async function exerciseDeployedPaths() {
  const a = { apiKeyId: KEY_A };
  const b = { apiKeyId: KEY_B };
  const dryRun = project("deployed-dry-run", 2);
  const [, second] = dryRun.scenes;
  if (second)
    second.elements[0] = { ...second.elements[0], src: `s3://${LOCAL_BUCKET}/uploads/missing.png` } as never;
  answers.dryRun = await deployed.call({
    ...a,
    method: "POST",
    path: "/v1/videos",
    query: { dry_run: "true" },
    body: dryRun,
  });

  const created = await deployed.call({
    ...a,
    method: "POST",
    path: "/api/v1/videos",
    body: project("vc-a"),
  });
  answers.create = created;
  const id = (created.json as { job_id: string }).job_id;
  const cancelled = await deployed.call({
    ...a,
    method: "POST",
    path: "/api/v1/generate-video",
    body: project("vc-cancel"),
  });
  const cancelId = (cancelled.json as { job_id: string }).job_id;
  answers.cancel = await deployed.call({ ...a, method: "POST", path: `/api/v1/jobs/${cancelId}/cancel` });

  const statusOf = async (jobId: string) =>
    ((await deployed.call({ ...a, path: `/api/v1/jobs/${jobId}/status` })).json as { status: string }).status;
  await waitUntil(
    async () => (await statusOf(id)) === "completed",
    "the VideoCraft job to complete",
    120_000,
  );
  await waitUntil(
    async () => ["cancelled", "completed"].includes(await statusOf(cancelId)),
    "the cancelled job to end",
    120_000,
  );

  answers.status = await deployed.call({ ...a, path: `/api/v1/status/${id}` });
  answers.list = await deployed.call({ ...a, path: "/api/v1/jobs", query: { status: "completed" } });
  answers.videos = await deployed.call({ ...a, path: "/api/v1/videos" });
  answers.download = await deployed.download({ ...a, path: `/api/v1/videos/${id}/download` });
  answers.details = await deployed.download({
    ...a,
    path: `/api/v1/videos/${id}`,
    headers: { accept: "application/json" },
  });

  answers.unknownDownload = await deployed.download({
    ...a,
    path: "/api/v1/download/01JZZZZZZZZZZZZZZZZZZZZZZZ",
  });

  // Key B names A's job on every route and finds nothing; its list holds none of A's jobs.
  answers.otherStatus = await deployed.call({ ...b, path: `/api/v1/jobs/${id}` });
  answers.otherV1Status = await deployed.call({ ...b, path: `/v1/jobs/${id}` });
  answers.otherList = await deployed.call({ ...b, path: "/api/v1/jobs" });
  answers.otherCancel = await deployed.call({ ...b, method: "POST", path: `/api/v1/jobs/${id}/cancel` });
  answers.otherDownload = await deployed.download({ ...b, path: `/api/v1/download/${id}` });
  answers.otherDeleteVideo = await deployed.call({ ...b, method: "DELETE", path: `/api/v1/videos/${id}` });
  answers.otherDeleteJob = await deployed.call({ ...b, method: "DELETE", path: `/api/v1/jobs/${id}` });

  answers.deleteVideo = await deployed.call({ ...a, method: "DELETE", path: `/api/v1/videos/${id}` });
  answers.deleteJob = await deployed.call({ ...a, method: "DELETE", path: `/api/v1/jobs/${cancelId}` });
  ids.vcA = id;
}

/**
 * A stored template's life on the API: stored, listed, read, rendered with a missing variable (read,
 * then refused before any job is made) and deleted.
 */
async function useStoredTemplate() {
  const created = await client.request("POST", "/v1/templates", {
    name: "iam",
    template: {
      width: 160,
      height: 90,
      scenes: [{ duration: 1, elements: [{ type: "text", text: "{{title}}" }] }],
    },
  });
  expect(created.status).toBe(201);
  const { id } = created.body as { id: string };
  expect((await client.request("GET", "/v1/templates")).status).toBe(200);
  expect((await client.request("GET", `/v1/templates/${id}`)).status).toBe(200);
  expect((await client.request("POST", `/v1/templates/${id}/videos`, { variables: {} })).status).toBe(400);
  expect((await client.request("DELETE", `/v1/templates/${id}`)).status).toBe(204);
}

/**
 * Uploads as a client makes them: one presigned PUT, a multipart upload (presigned UploadParts,
 * then the completion, which reads the joined object's size), and a multipart upload whose parts
 * outgrow what was signed (their URLs refuse them, as S3's do; written with credentials instead),
 * which the completion deletes.
 */
async function uploadFiles() {
  uploads.single = (await uploadLocalFile(client, join(dir, "dot.png"))).source;
  const big = join(dir, "big.mp4");
  await writeFile(big, Buffer.alloc(SINGLE_PUT_MAX_BYTES + MIB, 7));
  uploads.multipart = (await uploadLocalFile(client, big)).source;

  const created = await client.request("POST", "/v1/uploads", {
    file_name: "grown.mp4",
    content_type: "video/mp4",
    size: SINGLE_PUT_MAX_BYTES + MIB,
  });
  expect(created.status).toBe(201);
  const upload = created.body as Upload;
  if (upload.method !== "multipart") throw new Error(`expected a multipart upload, got ${upload.method}`);
  const key = upload.source.replace(`s3://${LOCAL_BUCKET}/`, "");
  const parts = [];
  for (const part of upload.parts) {
    const body = new Uint8Array(part.size + 3 * MIB);
    // The emulator checks the signed length as S3 does, so a grown part is refused at its URL…
    expect((await fetch(part.url, { method: "PUT", body })).status).toBe(403);
    // …and can only come from someone holding credentials (not a function's call: not recorded).
    const { ETag } = await setup.s3.send(
      new UploadPartCommand({
        Bucket: LOCAL_BUCKET,
        Key: key,
        UploadId: new URL(part.url).searchParams.get("uploadId") ?? "",
        PartNumber: part.part_number,
        Body: body,
      }),
    );
    parts.push({ part_number: part.part_number, etag: ETag ?? "" });
  }
  const done = await client.request("POST", upload.complete_path, { upload_id: upload.upload_id, parts });
  uploads.oversize = { status: done.status, key };
}

/**
 * Locally GET /v1/metrics answers from in-process figures; on AWS the API function reads them with
 * CloudWatchMetricsReader. Its calls are recorded from a real client answered by a canned response.
 */
async function readCloudWatchMetricsAsTheApi() {
  const recorded = readFileSync(
    new URL("../unit/metrics/fixtures/get-metric-data-response.json", import.meta.url),
    "utf8",
  );
  const { handler } = cannedRequestHandler(() => ({
    status: 200,
    headers: { "content-type": "application/x-amz-json-1.0" },
    body: recorded,
  }));
  const cloudwatch = new CloudWatchClient({
    region: "eu-west-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    requestHandler: handler,
  });
  recorder.instrument(cloudwatch);
  const end = new Date();
  await runAsLocalFunction(LOCAL_FUNCTIONS.api, () =>
    new CloudWatchMetricsReader(cloudwatch, service.config.metricNamespace).read({
      start: new Date(end.getTime() - 3600_000),
      end,
    }),
  );
  cloudwatch.destroy();
}

/** Calls of the deployed functions, with what IAM must allow for each. */
function evaluated() {
  const bucketArnOf = (bucket: string) => {
    if (bucket !== LOCAL_BUCKET) throw new Error(`call to an unknown bucket ${bucket}`);
    return `arn:aws:s3:::${bucketName(logicalId(stack.storage.bucket))}`;
  };
  const queueArnOf = (urlOrName: string) => {
    const arn =
      arnOfQueue.get(urlOrName) ?? [...arnOfQueue].find(([url]) => url.endsWith(`/${urlOrName}`))?.[1];
    if (!arn) throw new Error(`call to an unknown queue ${urlOrName}`);
    return arn;
  };
  const functionArnOf = (nameOrArn: string) => {
    const known = Object.values(functionIds).map((id) => functionArn(id));
    if (!known.includes(nameOrArn)) throw new Error(`invocation of an unknown function ${nameOrArn}`);
    return nameOrArn;
  };
  return recorder.calls
    .filter((c) => c.functionName !== undefined && c.functionName in functionIds)
    .map((call) => {
      const fnId = functionIds[call.functionName as string] as string;
      const statements = roleStatements(template, fnId);
      const requests = iamRequestsFor(call, { bucketArnOf, queueArnOf, functionArnOf }).map((request) => ({
        request,
        allowedBy: allowingStatements(statements, request),
      }));
      return { call, fnId, statements, requests };
    });
}

const describeCall = (call: RecordedAwsCall, request: IamRequest) =>
  `${call.functionName}: ${request.action} on ${request.resource}` +
  ` (${call.service}.${call.operation}${call.presigned ? ", presigned URL" : ""})`;

describe("IAM replay: every AWS call of every function against its role in the synthesized stack", () => {
  it("ran every route and render path to the expected end", () => {
    expect(finals.held1?.status).toBe("completed");
    expect(finals.held2?.status).toBe("completed");
    expect(finals.single?.status).toBe("completed");
    expect(finals.fanout?.status).toBe("completed");
    expect(finals.cancelled?.status).toBe("cancelled");
    expect(finals.failed).toMatchObject({ status: "failed" });
    expect(finals.deadLettered).toMatchObject({ status: "failed" });
    const webhook = (comment: string) => webhooks.filter((w) => w.path === `/${comment}`).map((w) => w.body);
    // A completed webhook carries a presigned link the worker made; failed ones carry none.
    expect(webhook("single")).toEqual([
      expect.objectContaining({ status: "completed", video_url: expect.any(String) }),
    ]);
    expect(webhook("fanout")).toEqual([
      expect.objectContaining({ status: "completed", video_url: expect.any(String) }),
    ]);
    expect(webhook("failed")).toEqual([expect.objectContaining({ status: "failed" })]);
    expect(webhook("crash")).toEqual([expect.objectContaining({ status: "failed" })]);
  });

  it("ran the uploads to the expected end, the one over the limit deleted", async () => {
    const source = new RegExp(`^s3://${LOCAL_BUCKET}/uploads/[0-9A-Z]{26}/`);
    expect(uploads.single).toMatch(source);
    expect(uploads.multipart).toMatch(source);
    expect(uploads.oversize?.status).toBe(400);
    // Through the setup client, not the service's store: its calls would be recorded as no function's.
    const head = setup.s3.send(new HeadObjectCommand({ Bucket: LOCAL_BUCKET, Key: uploads.oversize?.key }));
    await expect(head).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it("exercises every S3 call the API makes for uploads, under uploads/", () => {
    const apiUploadCalls = recorder.calls.filter(
      (c) => c.functionName === LOCAL_FUNCTIONS.api && c.input.Key?.startsWith("uploads/"),
    );
    const seen = new Set(apiUploadCalls.map((c) => `${c.operation}${c.presigned ? " (presigned)" : ""}`));
    expect([...seen].sort()).toEqual([
      "CompleteMultipartUpload",
      "CreateMultipartUpload",
      "DeleteObject",
      "HeadObject",
      "PutObject (presigned)",
      "UploadPart (presigned)",
    ]);
  });

  it("served VideoCraft's routes through the deployed paths, each key seeing only its own jobs", () => {
    const dry = answers.dryRun?.json as {
      projects: { sources: { status: string; duration_seconds: unknown }[]; problems: { code: string }[] }[];
    };
    expect(answers.dryRun?.status).toBe(200);
    // Probed by the probe function: the upload's size and streams, and the missing one's failure.
    expect(dry.projects[0]?.sources.map((src) => src.status).sort()).toEqual(["failed", "probed"]);
    expect(dry.projects[0]?.problems).toContainEqual(expect.objectContaining({ code: "SOURCE_UNREACHABLE" }));
    expect(answers.create?.status).toBe(202);
    expect(answers.cancel?.status).toBe(200);
    expect(answers.status).toMatchObject({ status: 200, json: { job_id: ids.vcA, status: "completed" } });
    expect(
      (answers.list?.json as { jobs: { job_id: string }[] } | undefined)?.jobs.map((j) => j.job_id),
    ).toContain(ids.vcA);
    expect(
      (answers.videos?.json as { videos: { id: string }[] } | undefined)?.videos.map((v) => v.id),
    ).toContain(ids.vcA);
    expect(answers.download?.status).toBe(200);
    expect(answers.download?.headers?.["content-type"]).toBe("video/mp4");
    expect(answers.download?.body?.subarray(4, 8).toString("latin1")).toBe("ftyp");
    expect(answers.details?.status).toBe(200);
    expect(JSON.parse(answers.details?.body?.toString("utf8") ?? "{}")).toMatchObject({ id: ids.vcA });
    for (const name of [
      "unknownDownload",
      "otherStatus",
      "otherV1Status",
      "otherCancel",
      "otherDownload",
      "otherDeleteVideo",
      "otherDeleteJob",
    ]) {
      expect(answers[name]?.status, name).toBe(404);
    }
    expect((answers.otherList?.json as { jobs: unknown[] } | undefined)?.jobs).toEqual([]);
    expect(answers.deleteVideo?.status).toBe(200);
    expect(answers.deleteJob?.status).toBe(200);
  });

  it("attributes every call to a function, or to what only local mode does", () => {
    const unattributed = recorder.calls.filter(
      (c) => c.functionName === undefined || !(c.functionName in functionIds),
    );
    const localOnly = new Set<string | undefined>(Object.values(LOCAL_ONLY));
    expect(unattributed.filter((c) => !localOnly.has(c.functionName))).toEqual([]);
    // Each deployed function made calls, including the dead-letter handler's status write.
    for (const name of Object.keys(functionIds)) {
      expect(recorder.calls.filter((c) => c.functionName === name).length, name).toBeGreaterThan(0);
    }
    expect(
      recorder.calls.some(
        (c) =>
          c.functionName === LOCAL_FUNCTIONS.deadLetter &&
          c.operation === "PutObject" &&
          c.input.Key === `jobs/${ids.deadLettered}/status.json`,
      ),
    ).toBe(true);
    expect(recorder.calls.some((c) => c.functionName === LOCAL_FUNCTIONS.render && c.presigned)).toBe(true);
    // The API invoked the probe function, which read the upload (and listed for the missing one).
    expect(
      recorder.calls.filter((c) => c.functionName === LOCAL_FUNCTIONS.api && c.service === "Lambda"),
    ).not.toEqual([]);
    expect(
      recorder.calls.some(
        (c) => c.functionName === PROBE_FUNCTION && c.operation === "GetObject" && c.outcome === "not-found",
      ),
    ).toBe(true);
    expect(
      recorder.calls.some(
        (c) =>
          c.functionName === DOWNLOAD_FUNCTION &&
          c.operation === "GetObject" &&
          c.input.Key?.startsWith("videos/"),
      ),
    ).toBe(true);
  });

  it("finds every call allowed by the calling function's role", () => {
    const denied = evaluated().flatMap(({ call, requests }) =>
      requests.filter((r) => r.allowedBy.length === 0).map((r) => describeCall(call, r.request)),
    );
    expect([...new Set(denied)]).toEqual([]);
  });

  it("would catch a call the role does not allow", () => {
    const render = functionIds[LOCAL_FUNCTIONS.render] as string;
    const statements = roleStatements(template, render);
    const bucket = `arn:aws:s3:::${bucketName(logicalId(stack.storage.bucket))}`;
    expect(
      allowingStatements(statements, { action: "s3:PutObject", resource: `${bucket}/uploads/x.png` }),
    ).toEqual([]);
    expect(
      allowingStatements(statements, { action: "s3:DeleteObject", resource: `${bucket}/videos/x.mp4` }),
    ).toEqual([]);
    expect(
      allowingStatements(statements, { action: "sqs:SendMessage", resource: queueArn("SomeOtherQueue") }),
    ).toEqual([]);
    expect(
      allowingStatements(statements, { action: "s3:PutObject", resource: `${bucket}/jobs/x/status.json` })
        .length,
    ).toBeGreaterThan(0);
    // The probe function reads uploads only; only the API may invoke it, and nothing else.
    const probeRole = roleStatements(template, functionIds[PROBE_FUNCTION] as string);
    expect(
      allowingStatements(probeRole, { action: "s3:GetObject", resource: `${bucket}/jobs/x/request.json` }),
    ).toEqual([]);
    expect(
      allowingStatements(probeRole, { action: "s3:GetObject", resource: `${bucket}/uploads/x.png` }).length,
    ).toBeGreaterThan(0);
    const invokeProbe = {
      action: "lambda:InvokeFunction",
      resource: functionArn(functionIds[PROBE_FUNCTION] as string),
    };
    expect(allowingStatements(statements, invokeProbe)).toEqual([]);
    const apiRole = roleStatements(template, functionIds[LOCAL_FUNCTIONS.api] as string);
    expect(allowingStatements(apiRole, invokeProbe).length).toBeGreaterThan(0);
    expect(
      allowingStatements(apiRole, { action: "lambda:InvokeFunction", resource: functionArn(render) }),
    ).toEqual([]);
    // The download function reads and writes nothing but reads of jobs/ and videos/.
    const downloadRole = roleStatements(template, functionIds[DOWNLOAD_FUNCTION] as string);
    expect(
      allowingStatements(downloadRole, { action: "s3:DeleteObject", resource: `${bucket}/videos/x.mp4` }),
    ).toEqual([]);
  });

  it("reports granted actions no run exercised", () => {
    const runs = evaluated();
    const report: string[] = [];
    for (const [name, fnId] of Object.entries(functionIds)) {
      const used = runs.filter((r) => r.fnId === fnId).flatMap((r) => r.requests.map((q) => q.request));
      const statements: PolicyStatement[] = roleStatements(template, fnId).filter(
        (s) => s.effect === "Allow",
      );
      for (const s of statements) {
        for (const action of s.actions) {
          for (const resource of s.resources) {
            const exercised = used.some(
              (u) => wildcardMatch(action, u.action, true) && wildcardMatch(resource, u.resource),
            );
            if (!exercised) report.push(`${name}: ${action} on ${resource}`);
          }
        }
      }
    }
    console.log(`IAM replay: granted but not exercised by any run:\n  ${report.join("\n  ")}`);
    // X-Ray uploads come from the Lambda runtime, not the SDK calls recorded here.
    expect(report.some((line) => line.includes("xray:PutTraceSegments"))).toBe(true);
  });
});
