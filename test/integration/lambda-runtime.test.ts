import type { ChildProcess } from "node:child_process";
import dgram from "node:dgram";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { Template } from "aws-cdk-lib/assertions";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsClients, createAwsClients } from "../../functions/adapters/aws-clients.js";
import { storageKeys } from "../../functions/core/jobs/storage-keys.js";
import { DEAD_LETTER_HANDLER, RENDER_HANDLER } from "../../infra/render-worker.js";
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
  buildApp,
  type CfnTemplate,
  FAST_APP,
  NO_BUNDLING,
  resolveIntrinsics,
  resourcesOfType,
} from "../infra/synth-app.js";
import { LambdaRuntimeApi } from "../support/lambda-runtime-api.js";
import { ffprobe } from "../support/media-probe.js";

/**
 * The render image's runtime, run as Lambda runs the container but without one: the image's entry
 * point and ENV (read from its Dockerfile), the bundle its Dockerfile builds, the aws-lambda-ric it
 * pins (the devDependency), polling a Lambda Runtime API stand-in; SQS events come from the
 * embedded emulator's queues as Lambda's event source mapping would deliver them.
 */

let root: string;
let image: RenderImage;
let service: LocalService;
let client: ApiClient;
let aws: AwsClients;
let functionEnv: Record<string, string>;
const children: ChildProcess[] = [];
const loops: WorkerLoop[] = [];
const apis: LambdaRuntimeApi[] = [];
let xray: dgram.Socket;
const xrayDocuments: string[] = [];

/** The render function's variables as the stack sets them (its resources are swapped for the emulator's below). */
function renderFunctionEnv(): Record<string, string> {
  const { stack } = buildApp(NO_BUNDLING, FAST_APP);
  const json = Template.fromStack(stack).toJSON() as CfnTemplate;
  const [, fn] =
    resourcesOfType(json, "AWS::Lambda::Function").find(
      ([, r]) =>
        (r.Properties?.ImageConfig as { Command?: string[] } | undefined)?.Command?.[0] === RENDER_HANDLER,
    ) ?? [];
  const variables =
    (fn?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  return Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, resolveIntrinsics(json, v)]));
}

async function startRuntime(
  cmd: string[],
  name: string,
  env: Record<string, string> = {},
  entrypoint?: string[],
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
      ...functionEnv,
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
  functionEnv = {
    ...renderFunctionEnv(),
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
 * project text_style and animations, motion on a still, narration with captions, ducked music
 * that fades out, loudness normalisation and a GIF preview.
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
    await aws.sqs.send(
      new SendMessageCommand({
        QueueUrl: service.stack.assemblyDlqUrl,
        MessageBody: JSON.stringify({ jobId: id, assemble: true }),
        MessageGroupId: id,
        MessageDeduplicationId: id,
      }),
    );
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
    const { id } = await client.submit(everyOption("rendered"));
    const job = await client.waitForJob(id, { timeoutMs: 90_000, intervalMs: 200 });
    expect(job.status, output()).toBe("completed");
    expect(job.warnings).toEqual([]);
    expect(job.gif_url).toBeTruthy();
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
    expect(probe.duration).toBeGreaterThan(0.9);
    expect(probe.duration).toBeLessThan(1.2);
  }, 120_000);

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
