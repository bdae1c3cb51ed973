import type { Config } from "../config.js";
import type { Project } from "../schema/project.js";
import { estimateRender, type RenderEstimate } from "./estimate-render.js";
import { validateRequestBody } from "./validate-request.js";

export interface DryRunProject {
  project: Project;
  /** Sum of the scenes whose length is known before rendering. */
  total_duration_seconds: number;
  /** null: the scene lasts as long as its longest audio, known only once the audio is fetched. */
  scenes: { id: string; duration_seconds: number | null }[];
  estimate: RenderEstimate;
  notes?: string[];
}

export interface DryRunResult {
  dry_run: true;
  projects: DryRunProject[];
}

/** Validates and describes what a request would render, without storing or queueing anything. */
export function dryRun(body: unknown, config: Config): DryRunResult {
  const { projects } = validateRequestBody(body, config);
  return { dry_run: true, projects: projects.map((p) => describe(p, config)) };
}

function describe(project: Project, config: Config): DryRunProject {
  const scenes = project.scenes.map((s) => ({ id: s.id, duration_seconds: s.duration ?? null }));
  const total = scenes.reduce((sum, s) => sum + (s.duration_seconds ?? 0), 0);
  const unknown = scenes.filter((s) => s.duration_seconds === null).map((s) => s.id);
  const notes =
    unknown.length > 0
      ? [
          `scene${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")} last as long as their audio, known only at ` +
            "render time; total_duration_seconds and the estimate leave them out",
        ]
      : undefined;
  return {
    project,
    total_duration_seconds: total,
    scenes,
    estimate: estimateRender(project, total, config.ffmpeg.preset),
    ...(notes ? { notes } : {}),
  };
}
