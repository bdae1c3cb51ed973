import type { ChildProcess } from "node:child_process";
import dgram from "node:dgram";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsClients, createAwsClients } from "../../functions/adapters/aws-clients.js";
import type { ProbeAnswer } from "../../functions/adapters/probe-invocation.js";
import { createApiHandler } from "../../functions/api/create-api-handler.js";
import { loadConfig } from "../../functions/core/config.js";
import { storageKeys } from "../../functions/core/jobs/storage-keys.js";
import { InProcessMetrics } from "../../functions/core/ports/in-process-metrics.js";
import { silentLog } from "../../functions/core/ports/log.js";
import { apiDeps, servicePorts } from "../../functions/wiring.js";
import { DEAD_LETTER_HANDLER, PROBE_HANDLER, RENDER_HANDLER } from "../../infra/render-worker.js";
import { ApiClient } from "../../local/api-client.js";
import { generateImage, generateTone } from "../../local/generate-media.js";
import { type LocalService, startLocalService } from "../../local/local-service.js";
import { startWorkerLoop, type WorkerLoop } from "../../local/worker-loop.js";
import {
  lambdaEnvironment,
  prepareTaskRoot,
  type RenderImage,
  readRenderImage,
  startImageRuntime,
} from "../../scripts/render-image-runtime.js";
import {
  type CfnResource,
  type CfnTemplate,
  resolveIntrinsics,
  resourcesOfType,
} from "../infra/synth-app.js";
import { apiEvent, lambdaContext } from "../support/api-event.js";
import { parseHttpIntegrationResponse } from "../support/http-integration-response.js";
import { LambdaRuntimeApi } from "../support/lambda-runtime-api.js";
import { ffprobe } from "../support/media-probe.js";
import { startNodeFunctionRuntime } from "../support/node-function-runtime.js";
import { sendAssemblyRequest } from "../support/send-assembly-request.js";
import { synthesizeWithBundles } from "../support/synthesized-bundles.js";

/**
 * The render image's runtime, run as Lambda runs the container but without one: the image's entry
 * point and ENV (read from its Dockerfile), the bundle its Dockerfile builds, the aws-lambda-ric it
 * pins (the devDependency), polling a Lambda Runtime API stand-in; SQS events come from the
 * embedded emulator's queues as Lambda's event source mapping would deliver them. The download
 * function's zip bundle (as `cdk deploy` stages it) runs under the same runtime client, streaming.
 */

let root: string;
let image: RenderImage;
let service: LocalService;
let client: ApiClient;
let aws: AwsClients;
let functionEnv: Record<string, string>;
let template: CfnTemplate;
let downloadBundle: string;
let media: http.Server;
let mediaUrl: string;
const children: ChildProcess[] = [];
const loops: WorkerLoop[] = [];
const apis: LambdaRuntimeApi[] = [];
let xray: dgram.Socket;
const xrayDocuments: string[] = [];

/** A function's variables as the stack sets them (its resources are swapped for the emulator's below). */
function functionEnvOf(fn: CfnResource | undefined): Record<string, string> {
  const variables =
    (fn?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  return Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, resolveIntrinsics(template, v)]));
}

const imageFunctionEnv = (command: string) =>
  functionEnvOf(
    resourcesOfType(template, "AWS::Lambda::Function").find(
      ([, r]) => (r.Properties?.ImageConfig as { Command?: string[] } | undefined)?.Command?.[0] === command,
    )?.[1],
  );

async function startRuntime(
  cmd: string[],
  name: string,
  env: Record<string, string> = {},
  entrypoint?: string[],
  base: Record<string, string> = functionEnv,
) {
  const api = await new LambdaRuntimeApi({ functionName: name }).start();
  apis.push(api);
  let output = "";
  const child = startImageRuntime({
    image,
    root,
    cmd,
    ...(entrypoint ? { entrypoint } : {}),
    env: {
      ...lambdaEnvironment({
        runtimeApi: api.address,
        functionName: name,
        memoryMb: 3008,
        region: "us-east-1",
        xrayDaemon: `127.0.0.1:${xray.address().port}`,
      }),
      ...base,
      ...env,
    },
    onOutput: (chunk) => {
      output += chunk;
    },
  });
  children.push(child);
  const exit = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { api, child, exit, output: () => output };
}

async function until(check: () => boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/** Plays Lambda's SQS event source mapping: each message becomes one invocation through `api`. */
function feed(queueUrl: string, api: LambdaRuntimeApi, outcomes: unknown[]) {
  const loop = startWorkerLoop({
    sqs: aws.sqs,
    queueUrl,
    log: { debug() {}, info() {}, warn() {}, error() {} },
    handler: async (event: SQSEvent) => {
      const outcome = await api.invoke(event);
      outcomes.push(outcome);
      if (!outcome.ok) throw new Error(`invocation failed: ${JSON.stringify(outcome.error)}`);
      return outcome.response as SQSBatchResponse;
    },
  });
  loops.push(loop);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "vc-runtime-"));
  // The stack as `cdk deploy` stages it: the template's variables, the download function's bundle.
  const synthesized = synthesizeWithBundles();
  template = synthesized.template;
  downloadBundle = synthesized.bundleDirOf("ApiDownloadStream");
  image = await readRenderImage();
  await prepareTaskRoot(root, image);
  xray = dgram.createSocket("udp4");
  xray.on("message", (msg) => xrayDocuments.push(msg.toString("utf8")));
  await new Promise<void>((resolve) => xray.bind(0, "127.0.0.1", resolve));

  // The API alone (no local render workers, no local assembly consumers): the runtimes below do
  // the work. Its in-process dead-letter consumer drains the render DLQ, so the dead-letter
  // runtime is fed from the assembly DLQ, which the same function consumes on AWS.
  service = await startLocalService({ workers: 0, fanout: false });
  client = new ApiClient(service.url, service.apiKey);
  aws = createAwsClients(service.config);
  await generateImage(path.join(root, "blue.png"), { width: 32, height: 32, color: "#0000ff" });
  await generateTone(path.join(root, "music.wav"), { seconds: 2, hz: 220 });
  await generateTone(path.join(root, "voice.wav"), { seconds: 0.6, hz: 2000 });
  for (const name of ["blue.png", "music.wav", "voice.wav"]) {
    await aws.s3.send(
      new PutObjectCommand({
        Bucket: service.config.bucket,
        Key: `uploads/${name}`,
        Body: await readFile(path.join(root, name)),
      }),
    );
  }
  await generateTone(path.join(root, "tone.wav"), { seconds: 1 });
  const tone = await readFile(path.join(root, "tone.wav"));
  media = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "audio/wav", "content-length": tone.length }).end(tone);
  });
  await new Promise<void>((resolve) => media.listen(0, "127.0.0.1", resolve));
  mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
  functionEnv = {
    ...imageFunctionEnv(RENDER_HANDLER),
    ...service.stack.env,
    VIDEOCRAFT_ASSEMBLY_QUEUE_URL: service.stack.assemblyQueueUrl,
    VIDEOCRAFT_FFMPEG_PRESET: "ultrafast",
  };
}, 120_000);

afterAll(async () => {
  await Promise.all(loops.map((l) => l.stop()));
  for (const child of children) child.kill("SIGKILL");
  await Promise.all(apis.map((a) => a.close()));
  aws?.s3.destroy();
  aws?.sqs.destroy();
  await service?.stop();
  await new Promise((resolve) => (media ? media.close(resolve) : resolve(undefined)));
  xray?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

const project = (comment: string) => ({
  comment,
  width: 160,
  height: 90,
  fps: 10,
  scenes: [
    {
      duration: 1,
      elements: [{ type: "image", src: `s3://${service.config.bucket}/uploads/blue.png`, x: 8, y: 8 }],
    },
  ],
});

/**
 * A project using every option of the request format at once: a template variable, text with a
 * project text_style and animations, motion on a still, narration with captions, a crossfade into
 * a second scene, ducked music that fades out, loudness normalisation and a GIF preview.
 */
const everyOption = (comment: string) => {
  const upload = (name: string) => `s3://${service.config.bucket}/uploads/${name}`;
  return {
    comment,
    width: 160,
    height: 90,
    fps: 10,
    loudness: -16,
    output: { gif_preview: { seconds: 1, width: 80 } },
    "text-style": { "font-size": 12, "box-color": "#00000080", "box-radius": 3 },
    variables: { brand: "VideoCraft" },
    elements: [
      { type: "audio", src: upload("music.wav"), volume: 0.5, ducking: true, "fade-out": 0.3 },
      { type: "text", text: "© {{brand}}", position: "right-bottom", margin: 2 },
    ],
    scenes: [
      {
        duration: 1,
        elements: [
          { type: "image", src: upload("blue.png"), animation: { type: "zoom-in", easing: "ease-in-out" } },
          {
            type: "text",
            text: "Every option",
            position: "center-top",
            animation: { in: "pop", out: "fade" },
          },
          { type: "audio", src: upload("voice.wav"), start: 0.2 },
          {
            type: "subtitles",
            words: [
              { word: "every", start: 0, end: 0.3 },
              { word: "option", start: 0.3, end: 0.6 },
            ],
          },
        ],
      },
      {
        duration: 1,
        transition: { type: "crossfade", duration: 0.4 },
        elements: [{ type: "image", src: upload("blue.png"), animation: { type: "pan-left" } }],
      },
    ],
  };
};

describe("the render image's runtime (aws-lambda-ric, image ENTRYPOINT, ENV and CMD)", () => {
  it("marks a dead-lettered job failed through CMD handler.deadLetterHandler", async () => {
    const { api, output } = await startRuntime([DEAD_LETTER_HANDLER], "videocraft-dead-letter");
    const outcomes: unknown[] = [];
    feed(service.stack.assemblyDlqUrl, api, outcomes);
    const { id } = await client.submit(project("dead-lettered"));
    // What SQS redrives after the last failed receive of a fanned-out job's assembly request.
    await sendAssemblyRequest(aws.sqs, service.stack.assemblyDlqUrl, id);
    const job = await client.waitForJob(id, { timeoutMs: 60_000, intervalMs: 200 });
    expect(job.status).toBe("failed");
    expect(job.error?.message).toContain("the assembly failed on every attempt");
    // The status is written during the invocation; its answer reaches the event source just after.
    await until(() => outcomes.length > 0);
    expect(outcomes, output()).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ ok: true });
  }, 90_000);

  it("renders a job from an SQS event into a real MP4 through CMD handler.handler", async () => {
    const { api, output } = await startRuntime(image.cmd, "videocraft-render");
    const outcomes: unknown[] = [];
    feed(service.config.queueUrl, api, outcomes);
    // Two scenes and their transition are three parts: fanned out, and assembled by the same
    // function from the assembly queue, as on AWS.
    feed(service.stack.assemblyQueueUrl, api, outcomes);
    const { id } = await client.submit(everyOption("rendered"));
    const job = await client.waitForJob(id, { timeoutMs: 90_000, intervalMs: 200 });
    expect(job.status, output()).toBe("completed");
    expect(job.warnings).toEqual([]);
    expect(job.gif_url).toBeTruthy();
    expect((await service.jobs.getStatus(id))?.segments).toMatchObject({ total: 3, fanout: true });
    expect(await service.store.exists(storageKeys.gifPreview(id))).toBe(true);
    // The dead-lettered job's render message was dropped: that job had already ended.
    expect(outcomes).toContainEqual({ ok: true, response: { batchItemFailures: [] } });

    const out = await aws.s3.send(
      new GetObjectCommand({ Bucket: service.config.bucket, Key: storageKeys.video(id) }),
    );
    const file = path.join(root, "out.mp4");
    await writeFile(
      file,
      await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
    const probe = await ffprobe(file);
    const video = probe.streams.find((s) => s.codec_type === "video");
    expect(video).toMatchObject({ codec_name: "h264", width: 160, height: 90 });
    expect(probe.streams.find((s) => s.codec_type === "audio")).toMatchObject({ codec_name: "aac" });
    expect(probe.duration).toBeGreaterThan(1.9);
    expect(probe.duration).toBeLessThan(2.2);
  }, 120_000);

  it("answers a dry run's probe through CMD handler.probeHandler, invoked directly", async () => {
    const { api, output } = await startRuntime([PROBE_HANDLER], "videocraft-probe", {}, undefined, {
      ...imageFunctionEnv(PROBE_HANDLER),
      ...service.stack.env,
      // The source is served on loopback, which a deployed function refuses.
      VIDEOCRAFT_ALLOW_PRIVATE_SOURCES: "true",
    });
    const srcs = [`${mediaUrl}/tone.wav`, `s3://${service.config.bucket}/uploads/blue.png`];
    const outcome = await api.invoke({ srcs, deadlineMs: 15_000 });
    if (!outcome.ok) throw new Error(`the probe failed: ${JSON.stringify(outcome.error)}\n${output()}`);
    const answer = outcome.response as ProbeAnswer;
    expect(answer.probes.map((p) => p.src)).toEqual(srcs);
    expect(answer.probes[0]?.probe).toMatchObject({
      status: "probed",
      info: { hasAudio: true, hasVideo: false, durationSeconds: expect.closeTo(1, 1) },
    });
    expect(answer.probes[1]?.probe).toMatchObject({
      status: "probed",
      info: { isStill: true, width: 32, height: 32 },
    });
    // A payload that is not a probe request is an invocation error, not a guess.
    const refused = await api.invoke({ sources: srcs });
    expect(refused).toMatchObject({ ok: false });
  }, 60_000);

  it("streams a rendered video through the download function: the prelude (200, video/mp4), then the MP4's bytes", async () => {
    // The API as deployed (API Gateway names the caller by its key id) submits to the render
    // queue, which the render runtime above still consumes.
    const config = loadConfig({ ...service.stack.env, VIDEOCRAFT_AUTH: "gateway" });
    const metrics = new InProcessMetrics({ now: () => new Date() });
    const gateway = createApiHandler(
      apiDeps(config, servicePorts(config, aws), { log: silentLog, metrics, metricsReader: metrics }),
    );
    const call = async (init: Parameters<typeof apiEvent>[0]) => {
      const res = await gateway(apiEvent(init), lambdaContext);
      return { status: res.statusCode, json: JSON.parse(res.body) };
    };
    const created = await call({
      method: "POST",
      path: "/api/v1/videos",
      headers: { "content-type": "application/json" },
      body: project("streamed"),
      apiKeyId: "key-a",
    });
    expect(created.status).toBe(202);
    const id = created.json.job_id as string;
    const deadline = Date.now() + 90_000;
    let status = "";
    while (status !== "completed" && Date.now() < deadline) {
      status = (await call({ path: `/api/v1/jobs/${id}`, apiKeyId: "key-a" })).json.status;
      if (status === "failed") throw new Error("the render failed");
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe("completed");

    const runtimeApi = await new LambdaRuntimeApi({
      functionName: "videocraft-download",
      timeoutMs: 300_000,
    }).start();
    apis.push(runtimeApi);
    let output = "";
    children.push(
      await startNodeFunctionRuntime({
        taskRoot: downloadBundle,
        handler: "index.handler",
        env: {
          ...lambdaEnvironment({
            runtimeApi: runtimeApi.address,
            functionName: "videocraft-download",
            memoryMb: 512,
            region: "us-east-1",
            xrayDaemon: `127.0.0.1:${xray.address().port}`,
          }),
          ...functionEnvOf(
            resourcesOfType(template, "AWS::Lambda::Function").find(([fnId]) =>
              fnId.startsWith("ApiDownloadStream"),
            )?.[1],
          ),
          ...service.stack.env,
        },
        onOutput: (chunk) => {
          output += chunk;
        },
      }),
    );
    const outcome = await runtimeApi.invoke(apiEvent({ path: `/api/v1/download/${id}`, apiKeyId: "key-a" }));
    expect(outcome.ok, output).toBe(true);
    if (!outcome.ok || !outcome.streamed) throw new Error(`not streamed: ${JSON.stringify(outcome)}`);
    expect(outcome.streamed.contentType).toBe("application/vnd.awslambda.http-integration-response");
    expect(outcome.streamed.transferEncoding).toBe("chunked");
    const { prelude, body } = parseHttpIntegrationResponse(outcome.streamed.body);
    const object = await aws.s3.send(
      new GetObjectCommand({ Bucket: service.config.bucket, Key: storageKeys.video(id) }),
    );
    const mp4 = Buffer.from(
      await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
    expect(prelude.statusCode).toBe(200);
    expect(prelude.headers).toMatchObject({
      "content-type": "video/mp4",
      "content-length": String(mp4.length),
      "content-disposition": `attachment; filename="video_${id}.mp4"`,
    });
    expect(body.length).toBe(mp4.length);
    expect(body.equals(mp4)).toBe(true);

    // Another key sees no such video, answered through the same stream in VideoCraft's error body.
    const other = await runtimeApi.invoke(
      apiEvent({ path: `/api/v1/videos/${id}/download`, apiKeyId: "key-b" }),
    );
    if (!other.ok || !other.streamed) throw new Error(`not streamed: ${JSON.stringify(other)}`);
    const refused = parseHttpIntegrationResponse(other.streamed.body);
    expect(refused.prelude.statusCode).toBe(404);
    expect(JSON.parse(refused.body.toString("utf8"))).toMatchObject({
      success: false,
      code: "VIDEO_NOT_FOUND",
    });
  }, 150_000);

  it("sends X-Ray subsegments for the AWS SDK calls, traced under the invocation's trace id", () => {
    const segments = xrayDocuments.map(
      (d) => JSON.parse(d.slice(d.indexOf("\n") + 1)) as Record<string, unknown>,
    );
    const s3 = segments.filter((s) => s.namespace === "aws" && s.name === "S3");
    expect(s3.length).toBeGreaterThan(0);
    expect(s3[0]).toMatchObject({
      type: "subsegment",
      trace_id: expect.stringMatching(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/),
    });
    // No URL of an outgoing HTTP call (sources, webhooks) is traced.
    expect(xrayDocuments.join("\n")).not.toMatch(/"http":\s*\{\s*"request":\s*\{\s*"url"/);
  });

  it("reports a cold-start failure to the Runtime API, naming the bad variable", async () => {
    const { api, exit } = await startRuntime(image.cmd, "videocraft-bad-config", { VIDEOCRAFT_BUCKET: "x" });
    const error = (await api.initError) as { errorType: string; errorMessage: string };
    expect(error.errorType).toBe("ConfigError");
    expect(error.errorMessage).toContain("VIDEOCRAFT_BUCKET");
    expect(await exit).not.toBe(0);
  }, 60_000);

  it("needs the entry point's _HANDLER: aws-lambda-ric ignores the CMD argument `npx aws-lambda-ric` passes", async () => {
    const { exit, output } = await startRuntime(image.cmd, "videocraft-npx", {}, ["npx", "aws-lambda-ric"]);
    expect(await exit).not.toBe(0);
    expect(output()).toContain("_HANDLER environment variable is not set");
  }, 60_000);
});
