import { join } from "node:path";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AwsClients } from "../../functions/adapters/aws-clients.js";
import { principalOfKey } from "../../functions/api/middlewares/auth.js";
import { createJobs } from "../../functions/core/jobs/create-jobs.js";
import { JOB_STEPS, type JobStep } from "../../functions/core/jobs/job-record.js";
import { systemClock } from "../../functions/core/ports/clock.js";
import { silentLog } from "../../functions/core/ports/log.js";
import { renderJob } from "../../functions/render/routines/dispatch.js";
import { resolveWhisperPaths } from "../../functions/render/speech/whisper-paths.js";
import type { ApiClient, JobView } from "../../local/api-client.js";
import type { LocalService } from "../../local/local-service.js";
import { type CaptureLog, leakedSecrets } from "../support/capture-log.js";
import { startNow } from "../support/started.js";

import { startTinyMediaService, type TinyMediaService } from "../support/tiny-media-service.js";

/**
 * A worker that dies at any pipeline step costs a retry, never a lost, stuck or
 * duplicated job. Faults are chosen by the request's `comment`, so which job crashes never
 * depends on which worker happens to poll first:
 *   `crash-once:<step>`  throws before <step> on the first attempt only → redelivered, completes
 *   `poison:<step>`      throws before <step> on every attempt → three receives, DLQ, failed
 * A throw is how a crash looks to the queue (the message is not deleted, SQS hands it out again).
 */
const STEPS: JobStep[] = JOB_STEPS.filter((s) => s !== "queued" && s !== "done");
/** Each test's own wait for its job, counted from when the test starts. */
const JOB_TIMEOUT_MS = 120_000;
/** Before any encode, so the three doomed attempts cost no ffmpeg time. */
const POISON_STEP: JobStep = "planning";

let dir: string;
let service: LocalService;
let client: ApiClient;
let aws: AwsClients;
let log: CaptureLog;

const project = (comment: string) => ({
  comment,
  resolution: "160x120",
  fps: 10,
  quality: "draft",
  scenes: [
    {
      duration: 0.5,
      elements: [
        { type: "audio", src: `file://${join(dir, "tone.wav")}` },
        { type: "image", src: `file://${join(dir, "dot.png")}`, x: 10, y: 10 },
      ],
    },
  ],
});

let stack: TinyMediaService;

beforeAll(async () => {
  stack = await startTinyMediaService("crash", {
    dotColor: "#ffffff",
    workers: 2,
    faults: {
      async beforeStep(step, jobId, attempt) {
        const comment = (await service.jobs.getRequest(jobId))?.comment ?? "";
        if (comment === `crash-once:${step}` && attempt === 1)
          throw new Error(`simulated crash before ${step}`);
        if (comment === `poison:${step}`) throw new Error(`simulated crash before ${step}, every attempt`);
      },
    },
  });
  ({ dir, service, client, log, aws } = stack);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

async function outputsOf(id: string): Promise<string[]> {
  const { keys } = await service.store.list("videos/");
  return keys.filter((k) => k.startsWith(`videos/${id}`));
}

async function submitAndWait(comment: string): Promise<JobView> {
  const { id } = await client.submit(project(comment));
  return client.waitForJob(id, { timeoutMs: 300_000, intervalMs: 100 });
}

describe("a worker crash at every pipeline step", () => {
  /** Every job is submitted at once; each test awaits its own, under its own timeout. */
  const finished = new Map<string, () => Promise<JobView>>();
  const finishedJob = (comment: string) => {
    const wait = finished.get(comment);
    if (!wait) throw new Error(`no job was submitted for ${comment}`);
    return wait();
  };

  beforeAll(() => {
    for (const c of [...STEPS.map((s) => `crash-once:${s}`), `poison:${POISON_STEP}`]) {
      finished.set(c, startNow(submitAndWait(c)));
    }
  });

  it.each(STEPS)(
    "crash before %s: redelivered, completed on attempt 2, one video",
    async (step) => {
      const done = await finishedJob(`crash-once:${step}`);
      expect(done).toMatchObject({ status: "completed", progress: 100, step: "done" });
      expect((await service.jobs.getStatus(done.id))?.attempts).toBe(2);
      expect(await outputsOf(done.id)).toEqual([`videos/${done.id}.jpg`, `videos/${done.id}.mp4`]);
    },
    JOB_TIMEOUT_MS,
  );

  it(
    `a crash before ${POISON_STEP} on every attempt: three receives, then the DLQ marks it failed`,
    async () => {
      const job = await finishedJob(`poison:${POISON_STEP}`);
      expect(job).toMatchObject({ status: "failed", error: { code: "RENDER_FAILED" } });
      expect(job.error?.message).toMatch(/every attempt \(3\)/);
      expect((await service.jobs.getStatus(job.id))?.attempts).toBe(3);
      expect(await outputsOf(job.id)).toEqual([]);
    },
    JOB_TIMEOUT_MS,
  );

  it(
    "logged each simulated crash once as an ERROR, and nothing else as ERROR",
    async () => {
      await Promise.allSettled([...finished.values()].map((wait) => wait()));
      const errors = log.errors();
      expect(errors.every((l) => l.message === "render attempt failed; the queue will retry it")).toBe(true);
      // One per crash-once job, three for the poison job.
      expect(errors).toHaveLength(STEPS.length + 3);
    },
    JOB_TIMEOUT_MS,
  );
});

describe("a hard kill mid-render", () => {
  /**
   * A process killed by the platform stops writing anything: its status stays `processing` and
   * SQS hands the message out again once the visibility timeout passes. Simulated in-process: the
   * render function the Lambda handler calls runs with a fault that never returns once ffmpeg has
   * encoded the scene (the invocation is frozen for good, as if SIGKILLed), then the message is
   * delivered again the way SQS would redeliver it, to the service's real worker loop.
   */
  it("the redelivered job completes on attempt 2 with one video; the frozen attempt leaves no trace", async () => {
    const { jobs } = await createJobs(
      { config: service.config, store: service.store, clock: systemClock, queue: { send: async () => {} } },
      // As the API would create it for the service's key, so the client below may read it.
      { body: project("hard-kill"), rawBody: "", principal: principalOfKey(service.apiKey) },
    );
    const id = jobs[0]!.id;
    let frozenAt: (step: JobStep) => void = () => {};
    const reached = new Promise<JobStep>((r) => {
      frozenAt = r;
    });
    void renderJob(
      { jobId: id, receiveCount: 1 },
      {
        config: service.config,
        store: service.store,
        jobs: service.jobs,
        clock: systemClock,
        log: silentLog,
        whisper: resolveWhisperPaths(service.config.transcriptionModel, {}),
        faults: {
          beforeStep: (step) => {
            if (step !== "mixing") return;
            frozenAt(step);
            return new Promise<void>(() => {}); // never settles: the invocation is dead
          },
        },
      },
    );
    expect(await reached).toBe("mixing");
    expect(await service.jobs.getStatus(id)).toMatchObject({
      status: "processing",
      step: "rendering",
      attempts: 1,
    });

    await aws.sqs.send(
      new SendMessageCommand({
        QueueUrl: service.config.queueUrl,
        MessageBody: JSON.stringify({ jobId: id }),
      }),
    );
    const job = await client.waitForJob(id, { timeoutMs: 60_000, intervalMs: 100 });
    expect(job).toMatchObject({ status: "completed", progress: 100 });
    expect((await service.jobs.getStatus(id))?.attempts).toBe(2);
    expect(await outputsOf(id)).toEqual([`videos/${id}.jpg`, `videos/${id}.mp4`]);
  });
});

describe("a duplicate delivery of a completed job", () => {
  it("is a no-op: status and output untouched", async () => {
    const job = await submitAndWait("duplicate");
    expect(job.status).toBe("completed");
    const key = `videos/${job.id}.mp4`;
    const head = async () => {
      const h = await aws.s3.send(new HeadObjectCommand({ Bucket: service.config.bucket, Key: key }));
      return { etag: h.ETag, modified: h.LastModified?.toISOString(), bytes: h.ContentLength };
    };
    const [statusBefore, headBefore, outputsBefore] = await Promise.all([
      service.jobs.getStatus(job.id),
      head(),
      outputsOf(job.id),
    ]);

    await aws.sqs.send(
      new SendMessageCommand({
        QueueUrl: service.config.queueUrl,
        MessageBody: JSON.stringify({ jobId: job.id }),
      }),
    );
    const ignored = () =>
      log.lines.some(
        (l) => l.message === "job already finished; duplicate delivery ignored" && l.text.includes(job.id),
      );
    const deadline = Date.now() + 20_000;
    while (!ignored() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(ignored()).toBe(true);

    expect(await service.jobs.getStatus(job.id)).toEqual(statusBefore);
    expect(await head()).toEqual(headBefore);
    expect(await outputsOf(job.id)).toEqual(outputsBefore);
  });
});

describe("afterwards", () => {
  it("no job is left queued or processing", async () => {
    const ids = await service.jobs.listIds();
    const stuck = [];
    for (const id of ids) {
      const s = await service.jobs.getStatus(id);
      if (s?.status === "queued" || s?.status === "processing") stuck.push(`${id} ${s.status} ${s.step}`);
    }
    expect(stuck).toEqual([]);
    expect(ids.length).toBe(STEPS.length + 3);
  });

  it("logged no API key and no presigned signature", () => {
    expect(leakedSecrets(log, [service.apiKey])).toEqual([]);
  });
});
