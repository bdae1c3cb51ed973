import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { JobFailure } from "../../core/errors.js";
import { type JobRecord, TERMINAL_STATUSES } from "../../core/jobs/job-record.js";
import { storageKeys } from "../../core/jobs/storage-keys.js";
import { assembleCommand } from "../../core/plan/assemble-command.js";
import { gifPreviewCommand } from "../../core/plan/gif-preview-command.js";
import { posterCommand } from "../../core/plan/poster-command.js";
import type { RenderPlan } from "../../core/plan/render-plan.js";
import {
  materialiseSegment,
  type PortableSegment,
  segmentCacheKey,
  sourceCacheKey,
} from "../../core/plan/segment-cache-key.js";
import type { OutputOptions } from "../../core/schema/project.js";
import { sendJobWebhook } from "../webhook/send-job-webhook.js";
import { makePreviews } from "./make-previews.js";
import { mapConcurrent } from "./map-concurrent.js";
import { mixSoundtrack } from "./mix-soundtrack.js";
import { STEP_RANGES } from "./progress-reporter.js";
import { completed, finish, type RenderAttempt, type RenderDeps, SHUTDOWN_MARGIN_MS } from "./render-job.js";
import { type RunFfmpegOptions, runFfmpeg } from "./run-ffmpeg.js";
import type { SceneCacheEntry } from "./scene-cache.js";
import { watchForCancel } from "./watch-for-cancel.js";

/**
 * Fan-out across workers, so a long video's scenes encode in parallel, each in its own worker
 * invocation, instead of one worker encoding them in turn.
 *
 *  coordinator  `{jobId}`: fetch, probe, transcribe, plan (render-job.ts), then here: store the
 *               plan and the sources the segments read (content-addressed under `cache/sources/`),
 *               enqueue `{jobId, segment: i}` for every scene not already in the scene cache (a
 *               cached one is marked done at once), mix the soundtrack, upload it, mark it done.
 *  segment      `{jobId, segment: i}`: render scene i's picture straight to its scene-cache key
 *               `cache/segments/<hash>.mp4` (a retry finds it there and skips the encode), mark
 *               `jobs/<id>/segments/<i>.done`.
 *  assembler    `{jobId, assemble: true}` on the FIFO assembly queue: download the parts,
 *               `concat -c copy` + mux the audio, poster, upload, completed, webhook.
 *
 * Whoever writes a part's done marker lists the markers afterwards; the writer of the last one
 * necessarily sees them all (S3 lists are strongly consistent), and more than one may. Each such
 * finisher sends the assembly message with MessageDeduplicationId = jobId, and the FIFO queue
 * keeps exactly one within its 5-minute window: the emulator enforces that too, unlike S3
 * conditional writes. The assembler is idempotent anyway (a finished job ignores it).
 *
 * Several workers may end the job (a failing segment, a cancel, the DLQ, the assembler): they go
 * through `JobStore.finishOnce`, so the first ending wins and is the only one sending the webhook,
 * and progress writes go through `JobStore.putProgress`, which can never un-finish a job.
 */

/** What the coordinator stores for the other workers at `jobs/<id>/work/plan.json`. */
export interface FanoutPlan {
  version: 1;
  width: number;
  height: number;
  fps: number;
  totalDuration: number;
  totalFrames: number;
  warnings: string[];
  /** The project's output options: which previews the assembler makes (absent: a poster). */
  output?: OutputOptions;
  /** Original file extension of each source by content hash (ffmpeg picks some demuxers by it). */
  sourceExt: Record<string, string>;
  segments: {
    index: number;
    frames: number;
    /** sha256 of the segment: its object is `cache/segments/<hash>.mp4`. */
    hash: string;
    portable: PortableSegment;
  }[];
}

type FfmpegOptions = (onProgress?: (f: number) => void) => RunFfmpegOptions;

/** Fan out when the assembly queue is configured, the job has enough scenes and every scene is portable. */
export function wantsFanout(
  plan: RenderPlan,
  cache: readonly SceneCacheEntry[],
  deps: Pick<RenderDeps, "config" | "queues">,
): boolean {
  const { assemblyQueueUrl, minScenes } = deps.config.fanout;
  if (!assemblyQueueUrl || !deps.queues) return false;
  if (plan.scenes.length < minScenes) return false;
  return cache.every((c) => c.portable !== undefined && c.hash !== undefined);
}

export interface FanoutStart {
  jobId: string;
  plan: RenderPlan;
  cache: readonly SceneCacheEntry[];
  warnings: string[];
  /** Local path → content hash of every fetched source. */
  sourceHashes: ReadonlyMap<string, string>;
  output?: OutputOptions | undefined;
}

/** Uploads, downloads and sends at once. */
const PARALLEL_IO = 4;

/**
 * The coordinator's part once the plan exists: hand the segments out, mix the audio meanwhile.
 * Throws like the single-worker path does (a JobFailure ends the job; anything else is retried).
 */
export async function startFanout(
  start: FanoutStart,
  deps: RenderDeps,
  ffmpeg: FfmpegOptions,
): Promise<void> {
  const { jobId, plan, cache } = start;
  const { store, jobs, clock } = deps;
  const queues = requireQueues(deps);
  const pathOf = new Map<string, string>();
  for (const [path, hash] of start.sourceHashes) if (!pathOf.has(hash)) pathOf.set(hash, path);

  const doc: FanoutPlan = {
    version: 1,
    width: plan.width,
    height: plan.height,
    fps: plan.fps,
    totalDuration: plan.totalDuration,
    totalFrames: plan.totalFrames,
    warnings: start.warnings,
    ...(start.output ? { output: start.output } : {}),
    sourceExt: {},
    segments: cache.map((c) => ({
      index: c.scene.index,
      frames: c.scene.frames,
      hash: c.hash!,
      portable: c.portable!,
    })),
  };
  const cachedFlags = await mapConcurrent(doc.segments, PARALLEL_IO, (s) =>
    store.exists(segmentCacheKey(s.hash)),
  );
  const todo = doc.segments.filter((_, i) => !cachedFlags[i]);
  const needed = [...new Set(todo.flatMap((s) => s.portable.sources))];
  for (const hash of new Set(doc.segments.flatMap((s) => s.portable.sources))) {
    doc.sourceExt[hash] = safeExt(pathOf.get(hash) ?? "");
  }
  // Content-addressed, so a source shared by many jobs (a logo, a music bed) goes up once.
  await mapConcurrent(needed, PARALLEL_IO, async (hash) => {
    const path = pathOf.get(hash);
    if (!path) throw new Error(`no fetched file has content ${hash}`);
    if (!(await store.exists(sourceCacheKey(hash)))) {
      await store.uploadFile(sourceCacheKey(hash), path, "application/octet-stream");
    }
  });
  await store.putText(storageKeys.fanoutPlan(jobId), JSON.stringify(doc), "application/json");
  const cachedCount = doc.segments.length - todo.length;
  await jobs.putProgress(jobId, (current) => ({
    ...current,
    segments: { total: doc.segments.length, cached: cachedCount, fanout: true },
    updated_at: clock.now().toISOString(),
  }));
  await mapConcurrent(
    doc.segments.filter((_, i) => cachedFlags[i]),
    PARALLEL_IO,
    (s) => store.putText(storageKeys.segmentDone(jobId, s.index), segmentCacheKey(s.hash)),
  );
  await mapConcurrent(todo, PARALLEL_IO, (s) => queues.render.send({ jobId, segment: s.index }));
  deps.log.info("segments enqueued", { jobId, total: doc.segments.length, cached: cachedCount });

  const soundtrack = await mixSoundtrack(plan, ffmpeg());
  await store.uploadFile(storageKeys.fanoutAudio(jobId), soundtrack, "audio/mp4");
  await store.putText(storageKeys.audioDone(jobId), "audio");
  await partFinished(jobId, doc, deps);
}

/**
 * After a part's done marker is written: report progress and, when every part is done, ask for
 * assembly. Every finisher that sees all markers sends; the FIFO queue keeps one message.
 */
async function partFinished(jobId: string, doc: FanoutPlan, deps: RenderDeps): Promise<void> {
  const prefix = storageKeys.partsPrefix(jobId);
  const { keys } = await deps.store.list(prefix);
  const done = new Set(keys.map((k) => k.slice(prefix.length)));
  const segmentsDone = doc.segments.filter((s) => done.has(`${s.index}.done`)).length;
  const [lo, hi] = STEP_RANGES.rendering;
  const progress = Math.floor(lo + ((hi - lo) * segmentsDone) / Math.max(1, doc.segments.length));
  await deps.jobs.putProgress(jobId, (current) =>
    current.step === "rendering" && progress > current.progress
      ? { ...current, progress, updated_at: deps.clock.now().toISOString() }
      : undefined,
  );
  if (segmentsDone === doc.segments.length && done.has("audio.done")) {
    await requireQueues(deps).assembly.send({ jobId, assemble: true });
    deps.log.info("assembly requested", { jobId });
  }
}

async function readPlan(jobId: string, deps: RenderDeps): Promise<FanoutPlan | undefined> {
  const text = await deps.store.getText(storageKeys.fanoutPlan(jobId));
  return text === undefined ? undefined : (JSON.parse(text) as FanoutPlan);
}

/** The job's status when a part message may still act on it; undefined (logged) when it may not. */
async function openJob(jobId: string, deps: RenderDeps, what: string): Promise<JobRecord | undefined> {
  const status = await deps.jobs.getStatus(jobId);
  if (!status) {
    deps.log.warn(`${what} message for an unknown job; dropping it`, { jobId });
    return undefined;
  }
  const final = TERMINAL_STATUSES.has(status.status) ? status : await deps.jobs.getFinal(jobId);
  if (final) {
    deps.log.info(`job already finished; ${what} message ignored`, { jobId, status: final.status });
    return undefined;
  }
  return status;
}

/** Renders one scene's picture to its scene-cache key (segment message). */
export async function renderSegment(
  attempt: RenderAttempt & { segment: number },
  deps: RenderDeps,
): Promise<void> {
  const { jobId, segment } = attempt;
  const { store, log } = deps;
  if (!(await openJob(jobId, deps, "segment"))) return;
  const doc = await readPlan(jobId, deps);
  if (!doc) throw new Error(`job ${jobId} has no fan-out plan yet`);
  const seg = doc.segments.find((s) => s.index === segment);
  if (!seg) {
    log.warn("segment message for a scene the plan does not have; dropping it", { jobId, segment });
    return;
  }
  const t0 = Date.now();
  try {
    if (await deps.jobs.isCancelRequested(jobId)) throw new JobFailure("CANCELLED", "the job was cancelled");
    await deps.faults?.beforeStep("rendering", jobId, attempt.receiveCount, { segment });
    const key = segmentCacheKey(seg.hash);
    // A retry (or another job with the same scene) already left it there: nothing to encode.
    const cached = await store.exists(key);
    if (!cached) await encodeSegment(attempt, seg, doc, deps);
    await store.putText(storageKeys.segmentDone(jobId, segment), key);
    log.info("segment rendered", { jobId, segment, cached, seconds: (Date.now() - t0) / 1000 });
    await partFinished(jobId, doc, deps);
  } catch (e) {
    if (!(e instanceof JobFailure)) throw e;
    const message = e.code === "CANCELLED" ? e.message : `scene ${segment}: ${e.message}`;
    await endFannedOut(jobId, new JobFailure(e.code, message), deps);
  }
}

async function encodeSegment(
  attempt: RenderAttempt,
  seg: FanoutPlan["segments"][number],
  doc: FanoutPlan,
  deps: RenderDeps,
): Promise<void> {
  const { jobId } = attempt;
  const { store, config } = deps;
  const cancel = watchForCancel(jobId, deps.jobs, deps.log);
  const workDir = await makeWorkDir(config.workDir, `seg-${jobId}-${seg.index}-`);
  const deadline =
    attempt.remainingMs === undefined ? Infinity : Date.now() + attempt.remainingMs - SHUTDOWN_MARGIN_MS;
  try {
    const local = (hash: string) => join(workDir, `src-${hash.slice(0, 16)}${doc.sourceExt[hash] ?? ""}`);
    await mapConcurrent(seg.portable.sources, PARALLEL_IO, (hash) =>
      store.downloadToFile(sourceCacheKey(hash), local(hash), config.maxSourceBytes),
    );
    const command = materialiseSegment(
      seg.portable,
      workDir,
      join(workDir, `segment-${seg.index}.mp4`),
      local,
    );
    await runFfmpeg(command, {
      ffmpegPath: config.ffmpeg.path,
      timeoutMs: Math.max(1000, Math.min(config.ffmpeg.timeoutSeconds * 1000, deadline - Date.now())),
      signal: cancel.signal,
    });
    await store.uploadFile(segmentCacheKey(seg.hash), command.output, "video/mp4");
  } finally {
    cancel.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Joins the parts once all are done (assembly message). */
export async function assembleJob(attempt: RenderAttempt, deps: RenderDeps): Promise<void> {
  const { jobId } = attempt;
  const { store, jobs, clock, log, config } = deps;
  if (!(await openJob(jobId, deps, "assembly"))) return;
  const doc = await readPlan(jobId, deps);
  if (!doc) {
    log.warn("assembly message for a job that was never fanned out; dropping it", { jobId });
    return;
  }
  const prefix = storageKeys.partsPrefix(jobId);
  const done = new Set((await store.list(prefix)).keys.map((k) => k.slice(prefix.length)));
  const missing = doc.segments.filter((s) => !done.has(`${s.index}.done`)).map((s) => s.index);
  if (missing.length > 0 || !done.has("audio.done")) {
    log.warn("assembly message before every part was done; ignored", { jobId, missing });
    return;
  }
  const now = () => clock.now().toISOString();
  const step = (name: "assembling" | "uploading", fraction: number) =>
    jobs.putProgress(jobId, (current) => {
      const [lo, hi] = STEP_RANGES[name];
      return {
        ...current,
        step: name,
        progress: Math.max(current.progress, Math.floor(lo + (hi - lo) * fraction)),
        updated_at: now(),
      };
    });
  const cancel = watchForCancel(jobId, jobs, log);
  const workDir = await makeWorkDir(config.workDir, `asm-${jobId}-`);
  const deadline =
    attempt.remainingMs === undefined ? Infinity : Date.now() + attempt.remainingMs - SHUTDOWN_MARGIN_MS;
  const ffmpeg = (): RunFfmpegOptions => ({
    ffmpegPath: config.ffmpeg.path,
    timeoutMs: Math.max(1000, Math.min(config.ffmpeg.timeoutSeconds * 1000, deadline - Date.now())),
    signal: cancel.signal,
  });
  const t0 = Date.now();
  let won = false;
  try {
    if (await jobs.isCancelRequested(jobId)) throw new JobFailure("CANCELLED", "the job was cancelled");
    await deps.faults?.beforeStep("assembling", jobId, attempt.receiveCount, { assemble: true });
    await step("assembling", 0);
    const segmentPaths = doc.segments.map((s) => join(workDir, `segment-${s.index}.mp4`));
    const audioPath = join(workDir, "audio.m4a");
    await mapConcurrent(doc.segments, PARALLEL_IO, (s, i) =>
      store.downloadToFile(segmentCacheKey(s.hash), segmentPaths[i]!, Number.MAX_SAFE_INTEGER),
    );
    await store.downloadToFile(storageKeys.fanoutAudio(jobId), audioPath, Number.MAX_SAFE_INTEGER);
    const assemble = assembleCommand(
      segmentPaths,
      audioPath,
      join(workDir, "segments.txt"),
      join(workDir, "output.mp4"),
      doc.totalDuration,
    );
    await runFfmpeg(assemble, ffmpeg());
    await step("uploading", 0);
    const video = await store.uploadFile(storageKeys.video(jobId), assemble.output, "video/mp4");
    const gif = doc.output?.gif_preview;
    const previews = await makePreviews(
      jobId,
      {
        poster:
          doc.output?.poster === false
            ? undefined
            : posterCommand(assemble.output, join(workDir, "poster.jpg"), doc.totalDuration, doc.fps),
        gif: gif && gifPreviewCommand(assemble.output, join(workDir, "preview.gif"), gif, doc.totalDuration),
      },
      { store, ffmpeg },
    );
    const current = (await jobs.getStatus(jobId))!;
    won = await jobs.finishOnce(
      completed(current, jobId, {
        at: now(),
        warnings: doc.warnings,
        seconds: doc.totalDuration,
        bytes: video.bytes,
        previews,
      }),
    );
    log.info("job completed", {
      jobId,
      assembleSeconds: (Date.now() - t0) / 1000,
      videoSeconds: doc.totalDuration,
      bytes: video.bytes,
      segments: current.segments,
      fanout: true,
    });
  } catch (e) {
    if (!(e instanceof JobFailure)) throw e;
    await endFannedOut(
      jobId,
      cancel.signal.aborted ? new JobFailure("CANCELLED", "the job was cancelled") : e,
      deps,
    );
    return;
  } finally {
    cancel.stop();
    await rm(workDir, { recursive: true, force: true });
  }
  if (won) await sendJobWebhook(jobId, (await jobs.getRequest(jobId))?.webhook, deps);
}

/** Ends a fanned-out job failed or cancelled; the first ending wins and sends the webhook. */
async function endFannedOut(jobId: string, failure: JobFailure, deps: RenderDeps): Promise<void> {
  const current = await deps.jobs.getStatus(jobId);
  if (!current || TERMINAL_STATUSES.has(current.status)) return;
  const state = failure.code === "CANCELLED" ? "cancelled" : "failed";
  const ended = finish(current, state, deps.clock.now().toISOString(), {
    code: failure.code,
    message: failure.message,
  });
  if (!(await deps.jobs.finishOnce(ended))) return;
  deps.log.info(`job ${state}`, { jobId, code: failure.code, fanout: true });
  await sendJobWebhook(jobId, (await deps.jobs.getRequest(jobId))?.webhook, deps);
}

function requireQueues(deps: RenderDeps): NonNullable<RenderDeps["queues"]> {
  if (!deps.queues) throw new Error("fan-out message, but this worker has no queues to send parts to");
  return deps.queues;
}

async function makeWorkDir(root: string | undefined, prefix: string): Promise<string> {
  const base = root ?? tmpdir();
  await mkdir(base, { recursive: true });
  return mkdtemp(join(base, prefix));
}

/** `.png` from a fetched source's local name; nothing odd. */
function safeExt(path: string): string {
  const ext = extname(path);
  return /^\.[A-Za-z0-9]{1,5}$/.test(ext) ? ext.toLowerCase() : "";
}
