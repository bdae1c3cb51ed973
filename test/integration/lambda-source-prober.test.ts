import { mkdtemp, readFile, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  lambdaSourceProber,
  PROBE_FUNCTION_BUDGET_MS,
} from "../../functions/adapters/lambda-source-prober.js";
import { loadConfig } from "../../functions/core/config.js";
import { InMemoryObjectStore } from "../../functions/core/ports/in-memory-object-store.js";
import { createProbeHandler } from "../../functions/render/create-probe-handler.js";
import { generateTone } from "../../local/generate-media.js";
import { LambdaInvokeApi } from "../support/lambda-invoke-api.js";

/**
 * The dry run's probe on AWS, end to end but for Lambda itself: the API's adapter invokes the probe
 * function through a real SDK client and a stand-in of Lambda's Invoke API; the function is the
 * render image's probe handler, probing a WAV served on loopback and an upload in the bucket.
 */

let dir: string;
let media: http.Server;
let mediaUrl: string;
let lambda: LambdaInvokeApi;
let release: () => void;
const stuck = new Promise<void>((resolve) => {
  release = resolve;
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-lambda-prober-"));
  await generateTone(join(dir, "tone.wav"), { seconds: 2 });
  const wav = await readFile(join(dir, "tone.wav"));
  media = http.createServer((req, res) => {
    if (req.url !== "/tone.wav") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "audio/wav", "content-length": wav.length }).end(wav);
  });
  await new Promise<void>((resolve) => media.listen(0, "127.0.0.1", resolve));
  mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;

  const config = loadConfig({
    VIDEOCRAFT_BUCKET: "videocraft-probe-test",
    VIDEOCRAFT_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/render",
    VIDEOCRAFT_AUTH: "gateway",
    VIDEOCRAFT_ALLOW_PRIVATE_SOURCES: "true",
    VIDEOCRAFT_WORK_DIR: join(dir, "work"),
  });
  const store = new InMemoryObjectStore();
  await store.uploadFile("uploads/tone.wav", join(dir, "tone.wav"), "audio/wav");
  const probe = createProbeHandler({ config, store });
  lambda = await new LambdaInvokeApi({
    "videocraft-probe": (payload) => probe(payload, { getRemainingTimeInMillis: () => 25_000 }),
    "videocraft-failing": async () => {
      throw new Error("Task timed out after 25.00 seconds");
    },
    "videocraft-stuck": async () => {
      await stuck;
      return { probes: [] };
    },
    "videocraft-garbled": async () => ({ hello: "world" }),
  }).start();
}, 60_000);

afterAll(async () => {
  release?.();
  await lambda?.close();
  await new Promise((resolve) => media?.close(resolve));
  if (dir) await rm(dir, { recursive: true, force: true });
});

const prober = (functionName: string, timeoutMs?: number) =>
  lambdaSourceProber({
    client: lambda.client(),
    functionName,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });

describe("dry-run probing through the probe function (Lambda Invoke, RequestResponse)", () => {
  it("gets durations and failures from the function, one probe per source", async () => {
    const srcs = [
      `${mediaUrl}/tone.wav`,
      "s3://videocraft-probe-test/uploads/tone.wav",
      "s3://videocraft-probe-test/uploads/missing.wav",
    ];
    const probes = await prober("videocraft-probe")(srcs);
    expect([...probes.keys()]).toEqual(srcs);
    for (const src of srcs.slice(0, 2)) {
      const probe = probes.get(src);
      expect(probe?.status, src).toBe("probed");
      expect(probe?.info?.durationSeconds).toBeCloseTo(2, 1);
      expect(probe?.info).toMatchObject({ hasAudio: true, hasVideo: false, isStill: false });
    }
    expect(probes.get(srcs[2] as string)).toMatchObject({
      status: "failed",
      failure: { code: "SOURCE_UNREACHABLE" },
    });
    const sent = lambda.invocations.at(-1);
    expect(sent).toMatchObject({
      functionName: "videocraft-probe",
      invocationType: "RequestResponse",
      payload: { srcs, deadlineMs: PROBE_FUNCTION_BUDGET_MS },
    });
  }, 60_000);

  it.each([
    ["the function fails", "videocraft-failing", /the probe function failed \(Unhandled\)/],
    ["its answer is not a probe list", "videocraft-garbled", /answer was not understood/],
    ["there is no such function", "videocraft-missing", /could not be invoked \(ResourceNotFoundException\)/],
  ])("reports every source not_probed when %s", async (_what, functionName, note) => {
    const srcs = [`${mediaUrl}/tone.wav`, "s3://videocraft-probe-test/uploads/tone.wav"];
    const probes = await prober(functionName)(srcs);
    for (const src of srcs) {
      expect(probes.get(src)).toEqual({
        status: "not_probed",
        bytesRead: 0,
        note: expect.stringMatching(note),
      });
    }
  });

  it("stops waiting at its timeout and reports every source not_probed", async () => {
    const started = Date.now();
    const probes = await prober("videocraft-stuck", 300)([`${mediaUrl}/tone.wav`]);
    expect(probes.get(`${mediaUrl}/tone.wav`)).toMatchObject({
      status: "not_probed",
      note: expect.stringContaining("did not answer within 0.3 s"),
    });
    // The function never answers; only the timeout can have ended the wait.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("invokes nothing for a dry run without sources", async () => {
    const before = lambda.invocations.length;
    expect((await prober("videocraft-probe")([])).size).toBe(0);
    expect(lambda.invocations.length).toBe(before);
  });
});
