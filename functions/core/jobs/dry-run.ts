import { z } from "zod";
import type { Config } from "../config.js";
import { SOURCE_FAILURE_CODES } from "../errors.js";
import type { SourceInfo, SourceMap } from "../plan/render-plan.js";
import { buildTimeline } from "../plan/scene-timeline.js";
import type { ProbeSources, SourceProbe } from "../ports/source-prober.js";
import type { Project } from "../schema/project.js";
import { displaySrc } from "../schema/source-policy.js";
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
  const all = [...new Set(projects.flatMap((p) => sourceUses(p).map((u) => u.src)))];
  const probes: ReadonlyMap<string, SourceProbe> = all.length > 0 ? await probe(all) : new Map();
  return { dry_run: true, projects: projects.map((p) => describe(p, config, probes)) };
}

/** Every element `src` with its JSON path, in document order. */
function sourceUses(project: Project): { src: string; path: string }[] {
  const uses: { src: string; path: string }[] = [];
  project.elements.forEach((el, i) => {
    if ("src" in el) uses.push({ src: el.src, path: `elements[${i}].src` });
  });
  project.scenes.forEach((scene, s) => {
    scene.elements.forEach((el, i) => {
      if ("src" in el) uses.push({ src: el.src, path: `scenes[${s}].elements[${i}].src` });
    });
  });
  return uses;
}

function describe(project: Project, config: Config, probes: ReadonlyMap<string, SourceProbe>): DryRunProject {
  const uses = sourceUses(project);
  const bySrc = new Map<string, string[]>();
  for (const u of uses) bySrc.set(u.src, [...(bySrc.get(u.src) ?? []), u.path]);

  const problems: DryRunProblem[] = [];
  const known = new Map<string, SourceInfo>();
  const sources: DryRunSource[] = [...bySrc].map(([src, paths]) => {
    const p = probes.get(src);
    if (p?.info) known.set(src, p.info);
    if (p?.failure) {
      for (const path of paths) problems.push({ path, code: p.failure.code, message: p.failure.message });
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
  const notes =
    unknown.length > 0
      ? [
          `scene${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")} last as long as their audio, which ` +
            "could not be probed; total_duration_seconds and the estimate leave them out",
        ]
      : undefined;
  return {
    project,
    total_duration_seconds: total,
    scenes,
    estimate: estimateRender(project, total, config),
    sources,
    problems,
    ...(notes ? { notes } : {}),
  };
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
