import { z } from "zod";
import type { Config } from "../config.js";
import { SOURCE_FAILURE_CODES } from "../errors.js";
import { buildRenderPlan } from "../plan/build-render-plan.js";
import { encoderFor } from "../plan/encoder-settings.js";
import type { SourceInfo, SourceMap } from "../plan/render-plan.js";
import { buildTimeline } from "../plan/scene-timeline.js";
import { checkRenderMemory } from "../plan/segment-memory.js";
import type { ProbeSources, SourceProbe } from "../ports/source-prober.js";
import { MAX_REPORTED_ISSUES } from "../schema/parse-project-request.js";
import type { Project } from "../schema/project.js";
import { displaySrc, policyFromConfig, sourceIdentity, sourceUses } from "../schema/source-policy.js";
import { checkRenderTime } from "./check-render-time.js";
import { estimateRender, renderEstimateSchema } from "./estimate-render.js";
import { validateRequestBody } from "./validate-request.js";

const dryRunSourceSchema = z.object({
  src: z.string().meta({ description: "without query string or credentials" }),
  paths: z.array(z.string()).meta({
    description: "JSON paths of the elements that use it",
    examples: [["scenes[0].elements[1].src"]],
  }),
  status: z.enum(["probed", "failed", "not_probed"]),
  size_bytes: z.number().int().nullable(),
  bytes_read: z.number().int(),
  duration_seconds: z
    .number()
    .nullable()
    .meta({ description: "null: a still image, or not known from the bytes read" }),
  has_video: z.boolean().nullable(),
  has_audio: z.boolean().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  note: z.string().optional(),
});
export type DryRunSource = z.infer<typeof dryRunSourceSchema>;

const dryRunProblemSchema = z
  .object({
    path: z.string().meta({ examples: ["scenes[0].elements[1].src"] }),
    // TIMEOUT: a unit of work estimated to outlast the render timeout (check-render-time.ts).
    code: z.enum([...SOURCE_FAILURE_CODES, "TIMEOUT"]),
    message: z.string(),
  })
  .meta({ description: "a limit or source failure the job would end with, at the JSON path that causes it" });
export type DryRunProblem = z.infer<typeof dryRunProblemSchema>;

const dryRunProjectSchema = z.object({
  project: z
    .custom<Project>()
    .meta({ type: "object", description: "the normalised project as it would be stored" }),
  total_duration_seconds: z
    .number()
    .meta({ description: "sum of the scenes whose length is known (given, or from probed audio)" }),
  scenes: z.array(
    z.object({
      id: z.string(),
      duration_seconds: z.number().nullable().meta({
        description: "null: the scene lasts as long as its audio, and some of that audio could not be probed",
      }),
    }),
  ),
  estimate: renderEstimateSchema,
  sources: z.array(dryRunSourceSchema).meta({
    description:
      "each distinct src, probed from its first ~1 MiB (ranged GET through the SSRF-safe fetcher, ranged S3 read, or the local file) where the API probes sources",
  }),
  problems: z.array(dryRunProblemSchema).meta({
    description:
      "what the job would fail with (the status stays 200: a dry run is an estimate, not a submission)",
  }),
  notes: z.array(z.string()).optional(),
});
export type DryRunProject = z.infer<typeof dryRunProjectSchema>;

export const dryRunResultSchema = z
  .object({ dry_run: z.literal(true), projects: z.array(dryRunProjectSchema) })
  .meta({ id: "DryRun" });
export type DryRunResult = z.infer<typeof dryRunResultSchema>;

/**
 * Validates and describes what a request would render, without storing or queueing anything.
 * Every distinct source of the request is probed once (size, duration, streams), where `probe`
 * can, so scenes timed by their audio get a length and limits known only after probing are
 * reported as `problems` instead of failing the job later.
 */
export async function dryRun(body: unknown, config: Config, probe: ProbeSources): Promise<DryRunResult> {
  const { projects } = validateRequestBody(body, config);
  const policy = policyFromConfig(config);
  // One probe per source as the worker would fetch it: a local file named with several query strings is one.
  const identityOf = new Map<string, string>();
  const firstSrc = new Map<string, string>();
  for (const { src } of projects.flatMap(sourceUses)) {
    if (identityOf.has(src)) continue;
    const identity = sourceIdentity(src, policy);
    identityOf.set(src, identity);
    if (!firstSrc.has(identity)) firstSrc.set(identity, src);
  }
  const probed = firstSrc.size > 0 ? await probe([...firstSrc.values()]) : new Map<string, SourceProbe>();
  const probes = new Map<string, SourceProbe>();
  for (const [src, identity] of identityOf) {
    const p = probed.get(firstSrc.get(identity) ?? src);
    if (p) probes.set(src, p);
  }
  return {
    dry_run: true,
    projects: projects.map((p) => describe(p, config, probes, (src) => identityOf.get(src) ?? src)),
  };
}

function describe(
  project: Project,
  config: Config,
  probes: ReadonlyMap<string, SourceProbe>,
  identityOf: (src: string) => string,
): DryRunProject {
  const uses = sourceUses(project);
  const bySrc = new Map<string, string[]>();
  for (const u of uses) {
    const paths = bySrc.get(u.src);
    if (paths) paths.push(u.path);
    else bySrc.set(u.src, [u.path]);
  }

  const problems: DryRunProblem[] = [];
  const known = new Map<string, SourceInfo>();
  const counted = new Set<string>();
  let bytes = 0;
  const sources: DryRunSource[] = [...bySrc].map(([src, paths]) => {
    const p = probes.get(src);
    if (p?.info) known.set(src, p.info);
    if (p?.failure) {
      for (const path of paths) problems.push({ path, code: p.failure.code, message: p.failure.message });
    }
    const identity = identityOf(src);
    if (p?.sizeBytes !== undefined && !counted.has(identity)) {
      counted.add(identity);
      bytes += p.sizeBytes;
      if (bytes > config.maxJobSourceBytes && bytes - p.sizeBytes <= config.maxJobSourceBytes) {
        // The worker's per-job byte budget, which its fetch would hit at this source.
        problems.push({
          path: paths[0] ?? "src",
          code: "SOURCE_TOO_LARGE",
          message: `the job's sources together pass the ${config.maxJobSourceBytes}-byte limit per job (VIDEOCRAFT_MAX_JOB_SOURCE_BYTES) at ${displaySrc(src)}`,
        });
      }
    }
    const info = p?.info;
    return {
      src: displaySrc(src),
      paths,
      status: p?.status ?? "not_probed",
      size_bytes: p?.sizeBytes ?? null,
      bytes_read: p?.bytesRead ?? 0,
      duration_seconds: info?.durationSeconds ?? null,
      has_video: info ? info.hasVideo : null,
      has_audio: info ? info.hasAudio : null,
      width: info?.width ?? null,
      height: info?.height ?? null,
      ...(p?.note ? { note: p.note } : {}),
    };
  });

  const heavy = memoryProblem(project, uses, config, known, identityOf);
  if (heavy) problems.push(heavy);

  const scenes = sceneDurations(project, known);
  const total = round(scenes.reduce((sum, s) => sum + (s.duration_seconds ?? 0), 0));
  const unknown = scenes.filter((s) => s.duration_seconds === null).map((s) => s.id);
  if (unknown.length === 0 && total > config.limits.maxVideoSeconds) {
    // The same limit the worker's checkProbedLimits enforces after its probe.
    let end = 0;
    const over = scenes.findIndex((s) => {
      end += s.duration_seconds ?? 0;
      return end > config.limits.maxVideoSeconds;
    });
    problems.push({
      path: over >= 0 ? `scenes[${over}]` : "scenes",
      code: "SOURCE_TOO_LARGE",
      message: `the video would last ${Math.round(total)} s${over >= 0 ? ` (passed in scenes[${over}] "${scenes[over]?.id}")` : ""}, longer than the ${config.limits.maxVideoSeconds} s limit`,
    });
  }
  problems.push(
    ...checkRenderTime(
      project,
      scenes.map((s) => s.duration_seconds),
      config,
    ),
  );
  // A source used by thousands of elements fails at each of them; the answer stays small.
  const more = problems.length - MAX_REPORTED_ISSUES;
  const notes = [
    ...(unknown.length > 0
      ? [
          `scene${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")} last as long as their audio, which ` +
            "could not be probed; total_duration_seconds and the estimate leave them out",
        ]
      : []),
    ...(more > 0 ? [`${more} more problem${more === 1 ? "" : "s"} not listed`] : []),
  ];
  return {
    project,
    total_duration_seconds: total,
    scenes,
    estimate: estimateRender(project, total, config),
    sources,
    problems: problems.slice(0, MAX_REPORTED_ISSUES),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/**
 * The worker's memory check on the plan it would build, once every source of the project is
 * probed (a plan needs each source's size; with one missing, the worker checks after its probe).
 */
function memoryProblem(
  project: Project,
  uses: readonly { src: string }[],
  config: Config,
  known: SourceMap,
  identityOf: (src: string) => string,
): DryRunProblem | undefined {
  if (!uses.every((u) => known.has(u.src))) return undefined;
  // Probed heads have no lasting path; the plan tells sources apart (and shares decodes) by path.
  const index = new Map<string, number>();
  const placed = new Map<string, SourceInfo>();
  for (const [src, info] of known) {
    const id = identityOf(src);
    if (!index.has(id)) index.set(id, index.size);
    placed.set(src, { ...info, path: `/dry-run/source-${index.get(id)}` });
  }
  let plan: ReturnType<typeof buildRenderPlan>;
  try {
    plan = buildRenderPlan(project, placed, {
      workDir: "/dry-run",
      encoder: encoderFor(project, config),
    });
  } catch {
    return undefined;
  }
  const over = checkRenderMemory(plan, config.ffmpeg.maxMemoryBytes);
  return over ? { path: over.path, code: "SOURCE_TOO_LARGE", message: over.message } : undefined;
}

/**
 * Scene lengths as the worker will render them (whole frames, via the same timeline). Once every
 * audio that times a scene is probed this is the worker's timeline; until then each scene that can
 * be timed is timed on its own and the rest are null.
 */
export function sceneDurations(
  project: Project,
  known: SourceMap,
): { id: string; duration_seconds: number | null }[] {
  try {
    return buildTimeline(project, known).scenes.map((s) => ({
      id: s.id,
      duration_seconds: round(s.duration),
    }));
  } catch {
    return project.scenes.map((scene) => {
      try {
        const [timing] = buildTimeline({ ...project, scenes: [scene] }, known).scenes;
        return { id: scene.id, duration_seconds: timing ? round(timing.duration) : null };
      } catch {
        return { id: scene.id, duration_seconds: null };
      }
    });
  }
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;
