import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsClients, createAwsClients } from "../../functions/adapters/aws-clients.js";
import { ApiClient, type JobView } from "../../local/api-client.js";
import { generateTone } from "../../local/generate-media.js";
import { type LocalService, startLocalService } from "../../local/local-service.js";
import { type CaptureLog, captureLog, leakedSecrets } from "../support/capture-log.js";

/**
 * Log hygiene: everything the service logs over a happy path, a failed job, an idempotent
 * repeat, refused requests and presigned links (as sources and as downloads) is captured and
 * scanned: no API key (right or wrong), no presigned-URL signature or credential, no request body.
 * The log is structured: request lines carry the request id, job lines the job id.
 */
const API_KEY = `vc-test-key-${randomBytes(16).toString("hex")}`;
const WRONG_KEY = `vc-wrong-key-${randomBytes(16).toString("hex")}`;
const MARKER = `body-marker-${randomBytes(8).toString("hex")}`;

let dir: string;
let service: LocalService;
let client: ApiClient;
let aws: AwsClients;
let log: CaptureLog;
const requestIds: string[] = [];
const presigned: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-logs-"));
  await generateTone(join(dir, "tone.wav"), { seconds: 1 });
  log = captureLog();
  service = await startLocalService({
    env: {
      VIDEOCRAFT_API_KEY: API_KEY,
      // The presigned source is served by the emulator on 127.0.0.1.
      VIDEOCRAFT_ALLOW_PRIVATE_SOURCES: "true",
      VIDEOCRAFT_FFMPEG_PRESET: "ultrafast",
    },
    log,
  });
  client = new ApiClient(service.url, API_KEY);
  aws = createAwsClients(service.config);
  await aws.s3.send(
    new PutObjectCommand({
      Bucket: service.config.bucket,
      Key: "uploads/tone.wav",
      Body: await readFile(join(dir, "tone.wav")),
    }),
  );
}, 60_000);

afterAll(async () => {
  aws?.s3.destroy();
  aws?.sqs.destroy();
  await service?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const project = (src: string) => ({
  comment: MARKER,
  resolution: "160x120",
  fps: 10,
  quality: "draft",
  scenes: [{ duration: 0.5, elements: [{ type: "audio", src }] }],
});

async function post(body: unknown, headers: Record<string, string> = {}, c = client) {
  const res = await c.request("POST", "/v1/videos", body, headers);
  const id = res.headers.get("x-request-id");
  if (id) requestIds.push(id);
  return res;
}

describe("logs over a happy path, a failure and refused requests", () => {
  let completed: JobView;
  let failed: JobView;

  beforeAll(async () => {
    const source = await service.store.presignGet("uploads/tone.wav", 600);
    const missing = await service.store.presignGet("uploads/missing.wav", 600);
    presigned.push(source, missing);

    // Happy path, submitted twice with the same Idempotency-Key.
    const first = await post(project(source), { "idempotency-key": `idem-${MARKER}` });
    const again = await post(project(source), { "idempotency-key": `idem-${MARKER}` });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect((again.body as { id: string }).id).toBe((first.body as { id: string }).id);
    completed = await client.waitForJob((first.body as { id: string }).id, {
      timeoutMs: 60_000,
      intervalMs: 100,
    });

    // The presigned download link, as JSON and as a redirect, then fetched.
    const link = await client.request("GET", `/v1/videos/${completed.id}`, undefined, {
      accept: "application/json",
    });
    const url = (link.body as { url: string }).url;
    presigned.push(url);
    expect((await fetch(url)).status).toBe(200);
    const redirect = await client.request("GET", `/v1/videos/${completed.id}`);
    expect(redirect.status).toBe(302);
    presigned.push(redirect.headers.get("location") ?? "");
    const view = await client.getJob(completed.id);
    presigned.push(view.video_url ?? "");

    // A job that fails on its (presigned, missing) source.
    const bad = await post(project(missing));
    failed = await client.waitForJob((bad.body as { id: string }).id, { timeoutMs: 60_000, intervalMs: 100 });

    // Refused requests: invalid body, bad JSON, wrong key (both header forms), a replay conflict.
    await post({ ...project(source), colour: MARKER });
    await post(`{"comment":"${MARKER}",`);
    await post(project(source), {}, new ApiClient(service.url, WRONG_KEY));
    await post(project(source), { "x-api-key": "", authorization: `Bearer ${WRONG_KEY}` });
    await post({ ...project(source), fps: 12 }, { "idempotency-key": `idem-${MARKER}` });
  }, 120_000);

  it("did what the scan relies on", () => {
    expect(completed.status).toBe("completed");
    expect(failed).toMatchObject({ status: "failed", error: { code: "SOURCE_UNREACHABLE" } });
    expect(presigned.filter((u) => /X-Amz-Signature=/.test(u))).toHaveLength(presigned.length);
    expect(log.lines.length).toBeGreaterThan(10);
  });

  it("never logs an API key, a presigned signature/credential or a request body", () => {
    const signatures = presigned.map((u) => new URL(u).searchParams.get("X-Amz-Signature") ?? "");
    const secrets = [API_KEY, WRONG_KEY, MARKER, ...signatures, ...presigned];
    expect(leakedSecrets(log, secrets)).toEqual([]);
  });

  it("keeps presigned query strings out of the job's error message too", () => {
    expect(failed.error?.message).not.toMatch(/X-Amz-|\?/);
    expect(failed.error?.message).toContain("/uploads/missing.wav");
  });

  it("logs one structured line per request with its request id, and job lines with the job id", () => {
    const requestLines = log.lines.filter((l) => l.message === "request").map((l) => JSON.parse(l.text));
    for (const id of requestIds) {
      expect(requestLines.some((l) => l.request_id === id)).toBe(true);
    }
    expect(requestLines.every((l) => typeof l.status === "number" && typeof l.route === "string")).toBe(true);
    const created = requestLines.filter((l) => l.status === 202 && l.job_id === completed.id);
    expect(created).toHaveLength(2); // the first submit and its idempotent repeat
    const polls = requestLines.filter((l) => l.route === "/v1/jobs/{id}" && l.job_id === completed.id);
    expect(polls.length).toBeGreaterThan(0);
    const jobLines = log.lines.filter((l) => l.text.includes(`"jobId":"${completed.id}"`));
    expect(jobLines.map((l) => l.message)).toContain("job completed");
  });
});
