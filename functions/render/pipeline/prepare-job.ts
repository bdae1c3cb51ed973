import type { Config } from "../../core/config.js";
import { JobFailure } from "../../core/errors.js";
import { chunkFramesFor } from "../../core/jobs/chunk-length.js";
import type { JobStep } from "../../core/jobs/job-record.js";
import { buildRenderPlan, type PlanOptions } from "../../core/plan/build-render-plan.js";
import { encoderFor } from "../../core/plan/encoder-settings.js";
import type { EncoderSettings, RenderPlan, SourceMap } from "../../core/plan/render-plan.js";
import { buildTimeline } from "../../core/plan/scene-timeline.js";
import { checkRenderMemory } from "../../core/plan/segment-memory.js";
import type { ObjectStore } from "../../core/ports/object-store.js";
import type { Project } from "../../core/schema/project.js";
import type { WhisperPaths } from "../speech/whisper-paths.js";
import { fetchSources } from "./fetch-sources.js";
import { checkProbedLimits, probeSources } from "./probe-media.js";
import { resolveCaptions } from "./resolve-captions.js";
import type { Resolver } from "./safe-fetch.js";
import { hashSources, type SegmentCacheEntry, segmentCacheEntries } from "./scene-cache.js";

export interface PrepareDeps {
  config: Config;
  store: ObjectStore;
  whisper: WhisperPaths;
  resolver?: Resolver | undefined;
}

export interface PrepareScope {
  workDir: string;
  signal?: AbortSignal | undefined;
  /** Milliseconds a step may still take (speech recognition stops there). */
  stepTimeoutMs(): number;
  /** Called as each step begins: progress, cancellation and the crash seam hang off it. */
  step(name: Extract<JobStep, "fetching" | "probing" | "transcribing" | "planning">): Promise<void>;
}

/** A job made ready to encode: every source local and probed, captions timed, the plan built. */
export interface PreparedJob {
  /** `src` → local path of each fetched source. */
  paths: Map<string, string>;
  sources: SourceMap;
  encoder: EncoderSettings;
  plan: RenderPlan;
  /** The plan's and the captions' notes for the job status. */
  warnings: string[];
  /** Local path → sha256 of each fetched source. */
  sourceHashes: Map<string, string>;
  /** Each segment (a scene, or a chunk of a long one) with its scene-cache identity. */
  parts: SegmentCacheEntry[];
}

/**
 * The steps every render starts with, in order: fetch → probe → timings → plan. The worker runs
 * them for a whole job or a fanned-out job's coordination, and the benchmark runs the very same
 * steps, so what it measures is what the worker does. Throws a JobFailure for anything the
 * request or its sources are to blame for.
 */
export async function prepareJob(
  project: Project,
  deps: PrepareDeps,
  scope: PrepareScope,
  planning: Pick<PlanOptions, "opaqueBase"> = {},
): Promise<PreparedJob> {
  const { config } = deps;
  const { workDir, signal } = scope;
  await scope.step("fetching");
  const paths = await fetchSources(project, {
    store: deps.store,
    config,
    workDir,
    ...(signal ? { signal } : {}),
    ...(deps.resolver ? { resolver: deps.resolver } : {}),
  });
  await scope.step("probing");
  // Content hashes key the scene cache; reading the files runs beside the probes, and stops
  // when a probe refuses a source.
  const hashing = new AbortController();
  const hashed = hashSources(
    paths.values(),
    signal ? AbortSignal.any([signal, hashing.signal]) : hashing.signal,
  );
  const sources = await probeSources(paths, {
    ffprobePath: config.ffmpeg.probePath,
    maxPixels: config.limits.maxSourcePixels,
    signal,
  }).catch(async (e: unknown) => {
    hashing.abort();
    await hashed.catch(() => undefined);
    throw e;
  });
  const sourceHashes = await hashed;
  checkProbedLimits(project, sources, config.limits);
  await scope.step("transcribing");
  const captioned = await resolveCaptions(project, sources, paths, {
    store: deps.store,
    workDir,
    ffmpegPath: config.ffmpeg.path,
    whisper: deps.whisper,
    timeoutMs: scope.stepTimeoutMs(),
    ...(signal ? { signal } : {}),
  });
  await scope.step("planning");
  const encoder = encoderFor(project, config);
  const sceneSeconds = buildTimeline(project, sources).scenes.map((s) => s.duration);
  const chunkFrames = chunkFramesFor(project, config, sceneSeconds);
  const plan = buildRenderPlan(project, sources, {
    workDir,
    encoder,
    captions: captioned.captions,
    ...(chunkFrames ? { chunkFrames } : {}),
    ...planning,
  });
  const tooHeavy = checkRenderMemory(plan, config.ffmpeg.maxMemoryBytes);
  if (tooHeavy) throw new JobFailure("SOURCE_TOO_LARGE", `${tooHeavy.path}: ${tooHeavy.message}`);
  return {
    paths,
    sources,
    encoder,
    plan,
    warnings: [...captioned.warnings, ...plan.warnings],
    sourceHashes,
    parts: segmentCacheEntries(plan, workDir, sourceHashes, encoder),
  };
}
