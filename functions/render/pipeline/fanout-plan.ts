import { extname } from "node:path";
import { storageKeys } from "../../core/jobs/storage-keys.js";
import type { PortableSegment } from "../../core/plan/segment-cache-key.js";
import type { ObjectStore } from "../../core/ports/object-store.js";
import type { OutputOptions } from "../../core/schema/project.js";
import type { RenderDeps } from "../render-deps.js";
import type { PreparedJob } from "./prepare-job.js";

/**
 * Fan-out across workers.
 *
 *  coordinator  `{jobId}`: prepares the job (prepare-job.ts), stores this plan and the sources the
 *               segments read (content-addressed under `cache/sources/`), enqueues
 *               `{jobId, segment: i}` for every part not already in the scene cache (a cached one
 *               is marked done at once), mixes the soundtrack, uploads it, marks it done.
 *  segment      `{jobId, segment: i}`: renders part i's picture straight to its scene-cache key
 *               `cache/segments/<hash>.mp4` (a retry finds it there and skips the encode), marks
 *               `jobs/<id>/segments/<i>.done`.
 *  assembler    `{jobId, assemble: true}` on the FIFO assembly queue: downloads the parts,
 *               `concat -c copy` + mux the audio, poster and GIF preview as asked,
 *               upload, completed, webhook.
 *
 * Whoever writes a part's done marker lists the markers afterwards; the writer of the last one
 * necessarily sees them all (S3 lists are strongly consistent), and more than one may. Each such
 * finisher sends the assembly message with MessageDeduplicationId = jobId, and the FIFO queue
 * keeps exactly one within its 5-minute window: the emulator enforces that too, unlike S3
 * conditional writes. The assembler is idempotent anyway (a finished job ignores it).
 *
 * Several workers may end the job (a failing segment, a cancel, the DLQ, the assembler): they go
 * through `JobStore.finishOnce` (job-ending.ts), so the first ending wins and is the only one
 * sending the webhook, and progress writes go through `JobStore.putProgress`, which can never
 * un-finish a job.
 */

/** What the coordinator stores for the other workers at `jobs/<id>/work/plan.json`. */
export interface FanoutPlan {
  /** 2: segments may be chunks (`scene`, `startFrame`). */
  version: 2;
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
    /** Position in the video (the segment message's `segment`). */
    index: number;
    /** The scene it draws, and from which of the scene's frames (0 unless a later chunk). */
    scene: number;
    startFrame: number;
    frames: number;
    /** Set on a transition's window (from `scene` into the next), which runs on past the scene's end. */
    transition?: string;
    /** sha256 of the segment: its object is `cache/segments/<hash>.mp4`. */
    hash: string;
    portable: PortableSegment;
  }[];
}

/** Uploads, downloads and sends at once. */
export const PARALLEL_IO = 4;

/** Fan out when the assembly queue is configured, the job has enough parts and every part is portable. */
export function wantsFanout(prepared: PreparedJob, deps: Pick<RenderDeps, "config" | "queues">): boolean {
  const { assemblyQueueUrl, minScenes } = deps.config.fanout;
  if (!assemblyQueueUrl || !deps.queues) return false;
  if (prepared.parts.length < minScenes) return false;
  return prepared.parts.every((c) => c.portable !== undefined && c.hash !== undefined);
}

/** The document segment workers and the assembler read; only for a job `wantsFanout` accepted. */
export function fanoutPlanOf(
  prepared: PreparedJob,
  { warnings, output }: { warnings: string[]; output?: OutputOptions | undefined },
): FanoutPlan {
  const { plan, parts, sourceHashes } = prepared;
  const pathOf = pathByHash(sourceHashes);
  const segments = parts.map(({ segment, portable, hash }) => {
    if (!portable || !hash) throw new Error(`segment ${segment.index} cannot be handed out`);
    const { index, scene, startFrame, frames, transition } = segment;
    return { index, scene, startFrame, frames, ...(transition ? { transition } : {}), hash, portable };
  });
  const sourceExt: Record<string, string> = {};
  for (const hash of new Set(segments.flatMap((s) => s.portable.sources))) {
    sourceExt[hash] = safeExt(pathOf.get(hash) ?? "");
  }
  return {
    version: 2,
    width: plan.width,
    height: plan.height,
    fps: plan.fps,
    totalDuration: plan.totalDuration,
    totalFrames: plan.totalFrames,
    warnings,
    ...(output ? { output } : {}),
    sourceExt,
    segments,
  };
}

/** Content hash → one fetched file with that content (several `src` may have the same bytes). */
export function pathByHash(sourceHashes: ReadonlyMap<string, string>): Map<string, string> {
  const pathOf = new Map<string, string>();
  for (const [path, hash] of sourceHashes) if (!pathOf.has(hash)) pathOf.set(hash, path);
  return pathOf;
}

/** The job's fan-out plan; one stored before chunks existed (version 1) reads as one segment per scene. */
export async function readFanoutPlan(jobId: string, store: ObjectStore): Promise<FanoutPlan | undefined> {
  const text = await store.getText(storageKeys.fanoutPlan(jobId));
  if (text === undefined) return undefined;
  const doc = JSON.parse(text) as FanoutPlan | (Omit<FanoutPlan, "version"> & { version: 1 });
  if (doc.version === 2) return doc;
  const segments = doc.segments.map((s) => ({ ...s, scene: s.index, startFrame: 0 }));
  return { ...doc, version: 2, segments };
}

/** `.png` from a fetched source's local name; nothing odd. */
function safeExt(path: string): string {
  const ext = extname(path);
  return /^\.[A-Za-z0-9]{1,5}$/.test(ext) ? ext.toLowerCase() : "";
}
