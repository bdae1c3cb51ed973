import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAwsClients } from "../../functions/adapters/aws-clients.js";
import type { JobView } from "../../local/api-client.js";
import { startTinyMediaService, type TinyMediaService } from "../support/tiny-media-service.js";

/**
 * The embedded S3+SQS port shows in every local `video_url`. Without this run's secret it must
 * neither list, read nor write the bucket (request.json holds webhook secrets; a planted object
 * under cache/ would end up in someone's video), nor touch the queues; the presigned links the API
 * and the CLI hand out still download.
 */
let t: TinyMediaService;
let job: JobView;
let bucketUrl: string;

beforeAll(async () => {
  t = await startTinyMediaService("auth");
  const { id } = await t.client.submit({
    width: 64,
    height: 64,
    fps: 10,
    quality: "draft",
    webhook: { url: "https://hooks.example.com/done", secret: "webhook-secret-in-request-json" },
    scenes: [{ duration: 0.3, elements: [{ type: "image", src: `file://${t.dir}/dot.png` }] }],
  });
  job = await t.client.waitForJob(id, { timeoutMs: 60_000 });
  bucketUrl = `${t.service.stack.endpoint}/${t.service.config.bucket}`;
}, 90_000);

afterAll(async () => {
  await t?.stop();
});

const unsigned = (path: string, init: RequestInit = {}) => fetch(`${bucketUrl}/${path}`, init);

describe("the embedded emulator without this run's secret", () => {
  it("still serves the presigned video link, and only the object it was signed for", async () => {
    expect(job.status).toBe("completed");
    const url = job.video_url ?? "";
    expect(url.startsWith(`${bucketUrl}/videos/${job.id}.mp4?`)).toBe(true);
    const video = await fetch(url);
    expect(video.status).toBe(200);
    expect(
      Buffer.from(await video.arrayBuffer())
        .subarray(4, 8)
        .toString(),
    ).toBe("ftyp");

    const elsewhere = url.replace(`videos/${job.id}.mp4`, `jobs/${job.id}/request.json`);
    expect((await fetch(elsewhere)).status).toBe(403);
  });

  it("refuses unsigned LIST, GET and PUT, and the PUT plants nothing", async () => {
    const list = await fetch(`${bucketUrl}?list-type=2&prefix=jobs/`);
    expect(list.status).toBe(403);
    expect(await list.text()).not.toContain(job.id);

    const request = await unsigned(`jobs/${job.id}/request.json`);
    expect(request.status).toBe(403);
    expect(await request.text()).not.toContain("webhook-secret-in-request-json");
    expect((await unsigned(`videos/${job.id}.mp4`)).status).toBe(403);

    const put = await unsigned("cache/segments/planted.mp4", { method: "PUT", body: "not a segment" });
    expect(put.status).toBe(403);
    const planted = await t.aws.s3
      .send(new HeadObjectCommand({ Bucket: t.service.config.bucket, Key: "cache/segments/planted.mp4" }))
      .then(
        () => "exists",
        (e: { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode,
      );
    expect(planted).toBe(404);
  });

  it("refuses requests signed with another secret, on S3 and on SQS", async () => {
    const wrong = createAwsClients({ ...t.service.config, awsEndpointSecret: "a-guessed-secret" });
    const bucket = t.service.config.bucket;
    const status = (p: Promise<unknown>) =>
      p.then(
        () => 200,
        (e: { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode,
      );
    try {
      expect(await status(wrong.s3.send(new ListObjectsV2Command({ Bucket: bucket })))).toBe(403);
      expect(
        await status(wrong.s3.send(new GetObjectCommand({ Bucket: bucket, Key: `videos/${job.id}.mp4` }))),
      ).toBe(403);
      expect(
        await status(wrong.s3.send(new PutObjectCommand({ Bucket: bucket, Key: "cache/x", Body: "x" }))),
      ).toBe(403);
      expect(
        await status(wrong.sqs.send(new ReceiveMessageCommand({ QueueUrl: t.service.config.queueUrl }))),
      ).toBe(403);
    } finally {
      wrong.s3.destroy();
      wrong.sqs.destroy();
    }
    // The right secret still works on the same port.
    expect(await status(t.aws.s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 })))).toBe(200);
  });

  it("refuses an unsigned SQS call", async () => {
    const res = await fetch(t.service.stack.endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.ReceiveMessage" },
      body: JSON.stringify({ QueueUrl: t.service.config.queueUrl, MaxNumberOfMessages: 10 }),
    });
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain("jobId");
  });
});
