import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AwsClients } from "../../functions/adapters/aws-clients.js";
import { JobFailure } from "../../functions/core/errors.js";
import { storageKeys } from "../../functions/core/jobs/storage-keys.js";
import { encoderFor } from "../../functions/core/plan/encoder-settings.js";
import { probeSources } from "../../functions/render/pipeline/probe-media.js";
import type { ApiClient, JobView } from "../../local/api-client.js";
import type { LocalService } from "../../local/local-service.js";
import type { CaptureLog } from "../support/capture-log.js";
import { countFrames, ssimPerFrame, streamDurations } from "../support/frame-compare.js";
import { drainedDepth } from "../support/job-batch.js";
import { ffprobe, grabFrame, grabFrameNumber, meanVolume, near } from "../support/media-probe.js";
import { parseOneProject } from "../support/parse-one-project.js";
import { renderJobToFile } from "../support/render-job-to-file.js";
import { renderPlanLocally } from "../support/render-plan-locally.js";
import { SCENE_COLORS } from "../support/scene-colors.js";
import { sendAssemblyRequest } from "../support/send-assembly-request.js";
import { startTinyMediaService, type TinyMediaService } from "../support/tiny-media-service.js";
import { until } from "../support/until.js";

/**
 * Fan-out across workers on the embedded stack: 2 worker loops, the FIFO assembly queue configured. A job
 * with several scenes becomes one segment task per scene; the last part to finish asks for
 * assembly, which the FIFO queue's deduplication (enforced by the emulator) makes happen once.
 */
let dir: string;
let service: LocalService;
let client: ApiClient;
let aws: AwsClients;
let log: CaptureLog;

const COLORS = SCENE_COLORS.slice(0, 4);
const SCENE_SECONDS = 0.5;

/** `shift` moves the dot, so a project's segments are not already in the scene cache. */
const project = (comment: string, shift = 0, sceneCount = COLORS.length) => ({
  comment,
  resolution: "160x120",
  fps: 10,
  quality: "draft",
  scenes: COLORS.slice(0, sceneCount).map(([color], i) => ({
    duration: SCENE_SECONDS,
    "background-color": color,
    elements: [
      { type: "image", src: `file://${join(dir, "dot.png")}`, x: 4 + shift, y: 4 },
      ...(i === 1 ? [{ type: "audio", src: `file://${join(dir, "tone.wav")}` }] : []),
    ],
  })),
});

const linesFor = (id: string, message: string) =>
  log.lines.filter((l) => l.message === message && l.text.includes(id));

async function outputsOf(id: string): Promise<string[]> {
  const { keys } = await service.store.list("videos/");
  return keys.filter((k) => k.startsWith(`videos/${id}`));
}

async function waitFor(check: () => boolean, ms = 20_000) {
  return until(check, { timeoutMs: ms, intervalMs: 100 }).catch(() => false);
}

/**
 * Waits until neither queue holds a message, waiting or in flight: every message sent so far has
 * been handled to its end (a handler's message is deleted only after it returns), so anything a
 * duplicate would have done has happened.
 */
async function queuesDrained(): Promise<boolean> {
  const [render, assembly] = await Promise.all([
    drainedDepth(aws.sqs, service.config.queueUrl),
    drainedDepth(aws.sqs, service.stack.assemblyQueueUrl),
  ]);
  return render === 0 && assembly === 0;
}

let stack: TinyMediaService;

/** The integrated loudness (LUFS) of a file's audio, by ffmpeg's EBU R128 meter. */
async function integratedLoudness(path: string): Promise<number> {
  const { stderr } = await promisify(execFile)("ffmpeg", [
    ...["-hide_banner", "-nostats", "-i", path, "-vn", "-af", "ebur128", "-f", "null", "-"],
  ]);
  return Number(/I:\s+(-?[\d.]+) LUFS/.exec(stderr.slice(stderr.lastIndexOf("Summary:")))?.[1]);
}

/**
 * Two segment workers finishing at the same instant, the case the FIFO deduplication exists for.
 * Each holds before its encode until both have arrived; then the store's listing of the job's done
 * markers (the step right after a worker writes its own marker) holds until both markers exist, so
 * each finisher is certain to see every part done and to ask for assembly itself.
 */
const race = {
  jobId: "",
  assemblies: 0,
  arrived: 0,
  release: () => {},
  released: false,
  gate: undefined as Promise<void> | undefined,
  async segmentArrives(jobId: string) {
    race.jobId = jobId;
    race.gate ??= new Promise<void>((r) => {
      race.release = r;
    });
    if (++race.arrived === 2) {
      race.released = true;
      race.release();
    }
    await race.gate;
  },
};

beforeAll(async () => {
  stack = await startTinyMediaService("fanout", {
    workers: 2,
    fanout: true,
    // Chunks of 1 s: the 0.5 s scenes above stay whole, the 3 s scene below becomes 3 chunks.
    env: { VIDEOCRAFT_CHUNK_SECONDS: "1" },
    faults: {
      async beforeStep(step, jobId, _attempt, part) {
        const comment = (await service.jobs.getRequest(jobId))?.comment ?? "";
        if (comment === "fail-segment" && step === "rendering" && part?.segment === 2) {
          throw new JobFailure("RENDER_FAILED", "simulated encoder failure");
        }
        if (comment === "fail-chunk" && step === "rendering" && part?.segment === 1) {
          throw new JobFailure("RENDER_FAILED", "simulated encoder failure");
        }
        if (comment === "race" && part?.segment !== undefined) await race.segmentArrives(jobId);
        if (comment === "race" && part?.assemble) race.assemblies++;
      },
    },
  });
  ({ dir, service, client, log, aws } = stack);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe("a 4-scene job fanned out over 2 workers", () => {
  let job: JobView;
  let path: string;
  const seen: JobView[] = [];

  beforeAll(async () => {
    path = join(dir, "fanout.mp4");
    job = await renderJobToFile(client, project("fanout"), path, {
      timeoutMs: 120_000,
      intervalMs: 50,
      onUpdate: (j) => seen.push(j),
    });
  }, 180_000);

  it("completes with one video and poster, the segments counted in the record", async () => {
    expect(job).toMatchObject({ status: "completed", progress: 100, step: "done" });
    expect(await outputsOf(job.id)).toEqual([`videos/${job.id}.jpg`, `videos/${job.id}.mp4`]);
    const record = await service.jobs.getStatus(job.id);
    expect(record?.segments).toEqual({ total: 4, cached: 0, fanout: true });
    expect(record?.attempts).toBe(1);
  });

  it("rendered each scene in its own segment task and assembled once", () => {
    const segments = linesFor(job.id, "segment rendered").map((l) => JSON.parse(l.text).segment as number);
    expect(segments.sort()).toEqual([0, 1, 2, 3]);
    expect(linesFor(job.id, "job completed")).toHaveLength(1);
    expect(linesFor(job.id, "job fanned out")).toHaveLength(1);
    // Progress went through the segments' share of the rendering range.
    expect(seen.some((j) => j.step === "rendering" && j.progress > 21 && j.progress < 82)).toBe(true);
  });

  it("has the right length, sound and every scene's colour at its time", async () => {
    const probe = await ffprobe(path);
    expect(Math.abs(probe.duration - 4 * SCENE_SECONDS)).toBeLessThanOrEqual(0.1);
    expect(probe.streams.map((s) => s.codec_type).sort()).toEqual(["audio", "video"]);
    for (const [i, [, rgb]] of COLORS.entries()) {
      const frame = await grabFrame(path, i * SCENE_SECONDS + SCENE_SECONDS / 2);
      expect(near(frame.pixel(120, 90), rgb), `scene ${i}`).toBe(true);
    }
  });

  it("a duplicate assemble message changes nothing", async () => {
    const key = `videos/${job.id}.mp4`;
    const head = async () => {
      const h = await aws.s3.send(new HeadObjectCommand({ Bucket: service.config.bucket, Key: key }));
      return { etag: h.ETag, modified: h.LastModified?.toISOString() };
    };
    const [before, statusBefore] = await Promise.all([head(), service.jobs.getStatus(job.id)]);
    // Twice, each with its own deduplication id, so the FIFO queue delivers both to the assembler.
    for (const n of [1, 2]) {
      await sendAssemblyRequest(aws.sqs, service.stack.assemblyQueueUrl, job.id, `${job.id}-again-${n}`);
    }
    expect(
      await waitFor(() => linesFor(job.id, "job already finished; assembly message ignored").length === 2),
    ).toBe(true);
    expect(await head()).toEqual(before);
    expect(await service.jobs.getStatus(job.id)).toEqual(statusBefore);
    expect(await outputsOf(job.id)).toEqual([`videos/${job.id}.jpg`, `videos/${job.id}.mp4`]);
  });
});

describe("a fanned-out job with loudness and previews", () => {
  it("normalises the soundtrack in the coordinator and makes only the previews asked for in the assembler", async () => {
    const { id } = await client.submit({
      ...project("fanout-extras", 5),
      loudness: -20,
      output: { poster: false, gif_preview: { seconds: 1, width: 80 } },
    });
    const job = await client.waitForJob(id, { timeoutMs: 60_000, intervalMs: 100 });
    expect(job.status, JSON.stringify(job.error)).toBe("completed");
    expect((await service.jobs.getStatus(id))?.segments?.fanout).toBe(true);
    expect(await outputsOf(id)).toEqual([`videos/${id}.gif`, `videos/${id}.mp4`]);
    expect(job.gif_url).toContain(`videos/${id}.gif`);
    const path = join(dir, "fanout-extras.mp4");
    await client.downloadVideo(id, path);
    expect(Math.abs((await integratedLoudness(path)) - -20)).toBeLessThanOrEqual(1);
  });
});

describe("a fanned-out job of one chunked scene with loudness and a GIF preview", () => {
  it("normalises the whole soundtrack once, keeping its parts' levels apart, and makes the GIF", async () => {
    const tone = `file://${join(dir, "tone.wav")}`;
    const { id } = await client.submit({
      comment: "chunked-extras",
      resolution: "160x120",
      fps: 10,
      quality: "draft",
      loudness: -20,
      output: { gif_preview: { seconds: 1, width: 80 } },
      scenes: [
        {
          duration: 3,
          "background-color": "#336699",
          elements: [
            // A quiet tone in the first chunk, the same tone 20 dB louder in the last one:
            // normalising each chunk on its own would bring them level.
            { type: "audio", src: tone, start: 0.1, volume: 0.1 },
            { type: "audio", src: tone, start: 2, volume: 1 },
            { type: "image", src: `file://${join(dir, "dot.png")}`, x: 9, y: 9 },
          ],
        },
      ],
    });
    const job = await client.waitForJob(id, { timeoutMs: 60_000, intervalMs: 100 });
    expect(job.status, JSON.stringify(job.error)).toBe("completed");
    expect((await service.jobs.getStatus(id))?.segments).toEqual({ total: 3, cached: 0, fanout: true });
    expect(await outputsOf(id)).toEqual([`videos/${id}.gif`, `videos/${id}.jpg`, `videos/${id}.mp4`]);
    expect(job.gif_url).toContain(`videos/${id}.gif`);
    const path = join(dir, "chunked-extras.mp4");
    await client.downloadVideo(id, path);
    const quiet = await meanVolume(path, 0.3, 0.6);
    const loud = await meanVolume(path, 2.2, 0.6);
    expect(loud - quiet).toBeGreaterThan(17);
    expect(loud - quiet).toBeLessThan(23);
    expect(Math.abs((await integratedLoudness(path)) - -20)).toBeLessThanOrEqual(1);
  });
});

describe("a resubmitted fanned-out project", () => {
  it("finds every segment in the scene cache and only assembles", async () => {
    const { id } = await client.submit(project("fanout-again"));
    const again = await client.waitForJob(id, { timeoutMs: 60_000, intervalMs: 100 });
    expect(again.status).toBe("completed");
    expect((await service.jobs.getStatus(id))?.segments).toEqual({ total: 4, cached: 4, fanout: true });
    expect(linesFor(id, "segment rendered")).toHaveLength(0);
  });
});

describe("the assembly queue deduplicates by job id", () => {
  it("two assembly requests for the same job within the window are delivered once", async () => {
    const id = "01ARZ3NDEKTSV4RRFFQ69G5FAV"; // a valid id of no stored job: the assembler just logs it
    for (let n = 0; n < 2; n++) {
      await sendAssemblyRequest(aws.sqs, service.stack.assemblyQueueUrl, id);
    }
    const dropped = () => linesFor(id, "assembly message for an unknown job; dropping it").length;
    expect(await waitFor(() => dropped() >= 1)).toBe(true);
    // A second copy would still be on the queue, or handled (and logged) by the time it is empty.
    expect(await queuesDrained()).toBe(true);
    expect(dropped()).toBe(1);
  });
});

describe("two segment workers finishing at once", () => {
  it("both ask for assembly; the job is assembled exactly once", async () => {
    const list = service.store.list.bind(service.store);
    service.store.list = async (prefix, options) => {
      if (race.released && prefix === storageKeys.partsPrefix(race.jobId)) {
        await until(async () => (await list(prefix)).keys.length === 3, {
          what: "both segment markers and the audio marker",
        });
      }
      return list(prefix, options);
    };
    try {
      // Two scenes, two workers: the coordinator mixes the audio and sees no segment done (both
      // wait for the worker it occupies), then both segments render at once.
      const { id } = await client.submit(project("race", 3, 2));
      const job = await client.waitForJob(id, { timeoutMs: 120_000, intervalMs: 100 });
      expect(job).toMatchObject({ status: "completed", progress: 100 });
      expect(race).toMatchObject({ jobId: id, arrived: 2, released: true });
      expect(await waitFor(() => linesFor(id, "assembly requested").length === 2)).toBe(true);
      expect(await queuesDrained()).toBe(true);
      // Every assembly message that reached the assembler ran it or was logged as ignored.
      expect(race.assemblies).toBe(1);
      expect(linesFor(id, "job already finished; assembly message ignored")).toHaveLength(0);
      expect(linesFor(id, "job completed")).toHaveLength(1);
      expect(await outputsOf(id)).toEqual([`videos/${id}.jpg`, `videos/${id}.mp4`]);
    } finally {
      service.store.list = list;
    }
  }, 180_000);
});

describe("a segment that fails deterministically", () => {
  let job: JobView;

  beforeAll(async () => {
    const { id } = await client.submit(project("fail-segment", 2));
    job = await client.waitForJob(id, { timeoutMs: 120_000, intervalMs: 100 });
    // Let the other segments finish and every queue empty, so anything they would do after the
    // failure has happened.
    const handled = () =>
      linesFor(id, "segment rendered").length +
      linesFor(id, "job already finished; segment message ignored").length;
    expect(await waitFor(() => handled() >= 3, 60_000)).toBe(true);
    expect(await queuesDrained()).toBe(true);
  }, 180_000);

  it("fails the job once, with the segment's reason, and never assembles", async () => {
    expect(job).toMatchObject({ status: "failed", error: { code: "RENDER_FAILED" } });
    expect(job.error?.message).toMatch(/^scene 2: simulated encoder failure/);
    expect(linesFor(job.id, "job failed")).toHaveLength(1);
    expect(linesFor(job.id, "assembly requested")).toHaveLength(0);
    expect(await outputsOf(job.id)).toEqual([]);
    expect(await service.jobs.getStatus(job.id)).toMatchObject({ status: "failed" });
  });
});

describe("one scene longer than the chunk length", () => {
  /** 3 s at 10 fps in chunks of 1 s; the dot is on from 0.5 to 2.5 s, across both boundaries. */
  const long = (comment: string, color = "#0000ff") => ({
    comment,
    resolution: "160x120",
    fps: 10,
    quality: "draft",
    scenes: [
      {
        duration: 3,
        "background-color": color,
        elements: [
          { type: "audio", src: `file://${join(dir, "tone.wav")}` },
          {
            type: "image",
            src: `file://${join(dir, "dot.png")}`,
            x: 0,
            y: 0,
            width: 160,
            height: 120,
            start: 0.5,
            duration: 2,
          },
        ],
      },
    ],
  });
  let job: JobView;
  let path: string;

  beforeAll(async () => {
    path = join(dir, "chunks.mp4");
    job = await renderJobToFile(client, long("chunks"), path, { timeoutMs: 120_000, intervalMs: 100 });
  }, 180_000);

  it("is rendered as 3 chunks on the workers, assembled once", () => {
    expect(job).toMatchObject({ status: "completed", progress: 100 });
    const segments = linesFor(job.id, "segment rendered").map((l) => JSON.parse(l.text).segment as number);
    expect(segments.sort()).toEqual([0, 1, 2]);
    expect(linesFor(job.id, "job completed")).toHaveLength(1);
  });

  it("counts the chunks as its segments", async () => {
    expect((await service.jobs.getStatus(job.id))?.segments).toEqual({ total: 3, cached: 0, fanout: true });
  });

  it("is the scene: 30 frames, the sound to the end, the dot exactly in its window", async () => {
    expect(await countFrames(path)).toBe(30);
    const d = await streamDurations(path);
    expect(d.video).toBeCloseTo(3, 6);
    expect(Math.abs(d.video! - d.audio!)).toBeLessThan(0.1);
    for (const [t, dot] of [
      [0.35, false],
      [0.55, true],
      [0.95, true],
      [1.05, true],
      [1.95, true],
      [2.05, true],
      [2.45, true],
      [2.65, false],
    ] as const) {
      const frame = await grabFrame(path, t);
      expect(near(frame.pixel(80, 60), dot ? [16, 16, 16] : [0, 0, 255]), `at ${t} s`).toBe(true);
    }
  });

  it("finds every chunk in the scene cache when the project comes again", async () => {
    const { id } = await client.submit(long("chunks-again"));
    const again = await client.waitForJob(id, { timeoutMs: 60_000, intervalMs: 100 });
    expect(again.status).toBe("completed");
    expect((await service.jobs.getStatus(id))?.segments).toEqual({ total: 3, cached: 3, fanout: true });
    expect(linesFor(id, "segment rendered")).toHaveLength(0);
  });

  it("fails with the chunk's frames named when one chunk fails", async () => {
    // Another colour, so its chunks are not in the scene cache from the job above.
    const { id } = await client.submit(long("fail-chunk", "#00ff00"));
    const failed = await client.waitForJob(id, { timeoutMs: 120_000, intervalMs: 100 });
    expect(failed).toMatchObject({ status: "failed", error: { code: "RENDER_FAILED" } });
    expect(failed.error?.message).toMatch(/^scene 0 \(frames 10–19\): simulated encoder failure/);
  });
});

describe("a transition in a fanned-out job", () => {
  /** Two 1 s scenes at 10 fps, a 0.4 s wipe into the second: 8 + 4 + 8 frames, three parts. */
  const body = (comment: string) => ({
    comment,
    resolution: "160x120",
    fps: 10,
    quality: "draft",
    scenes: ["#ff0000", "#0000ff"].map((color, i) => ({
      duration: 1,
      "background-color": color,
      elements: [
        { type: "image", src: `file://${join(dir, "dot.png")}`, x: 4, y: 4 },
        ...(i === 0 ? [{ type: "audio", src: `file://${join(dir, "tone.wav")}` }] : []),
      ],
      ...(i === 1 ? { transition: { type: "wipe-left", duration: 0.4 } } : {}),
    })),
  });
  let job: JobView;
  let path: string;

  beforeAll(async () => {
    path = join(dir, "transition.mp4");
    job = await renderJobToFile(client, body("transition"), path, { timeoutMs: 120_000, intervalMs: 100 });
  }, 180_000);

  it("hands the window out as a segment task of its own", async () => {
    expect(job).toMatchObject({ status: "completed", progress: 100 });
    const segments = linesFor(job.id, "segment rendered").map((l) => JSON.parse(l.text).segment as number);
    expect(segments.sort()).toEqual([0, 1, 2]);
    expect((await service.jobs.getStatus(job.id))?.segments).toEqual({ total: 3, cached: 0, fanout: true });
  });

  it("draws the frames a single worker draws", async () => {
    const project = parseOneProject(body("transition"));
    const paths = new Map(["dot.png", "tone.wav"].map((n) => [`file://${join(dir, n)}`, join(dir, n)]));
    const sources = await probeSources(paths, { ffprobePath: "ffprobe" });
    const { plan } = await renderPlanLocally(
      project,
      sources,
      { workDir: join(dir, "transition-single"), encoder: encoderFor(project, service.config) },
      60_000,
    );
    expect(plan.segments.map((s) => [s.frames, s.transition ?? ""])).toEqual([
      [8, ""],
      [4, "wipe-left"],
      [8, ""],
    ]);
    expect(await countFrames(path)).toBe(20);
    const ssim = await ssimPerFrame(path, plan.assemble.output);
    expect(ssim).toHaveLength(20);
    expect(ssim.filter((v) => v < 0.999)).toEqual([]);
    // The window is really there, the edge moving left a quarter of the width a frame.
    for (const [n, edge] of [
      [9, 120],
      [10, 80],
      [11, 40],
    ] as const) {
      const frame = await grabFrameNumber(path, n);
      expect(near(frame.pixel(edge - 12, 80), [255, 0, 0]), `frame ${n}`).toBe(true);
      expect(near(frame.pixel(edge + 12, 80), [0, 0, 255]), `frame ${n}`).toBe(true);
    }
  });
});
