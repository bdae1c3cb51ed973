import { mkdir } from "node:fs/promises";
import { buildRenderPlan, type PlanOptions } from "../../functions/core/plan/build-render-plan.js";
import type { RenderPlan, SourceMap } from "../../functions/core/plan/render-plan.js";
import type { Project } from "../../functions/core/schema/project.js";
import { runFfmpeg } from "../../functions/render/pipeline/run-ffmpeg.js";

/**
 * Plans a project into `options.workDir` and runs every step of the render in one process, in the
 * order a single worker runs them: each segment, the soundtrack, then the concat. What it returns
 * is the reference a fanned-out or chunked render is compared with.
 */
export async function renderPlanLocally(
  project: Project,
  sources: SourceMap,
  options: PlanOptions,
  timeoutMs = 120_000,
): Promise<{ plan: RenderPlan; output: string }> {
  await mkdir(options.workDir, { recursive: true });
  const plan = buildRenderPlan(project, sources, options);
  const run = { ffmpegPath: "ffmpeg", timeoutMs };
  for (const segment of plan.segments) await runFfmpeg(segment.command, run);
  await runFfmpeg(plan.audio, run);
  await runFfmpeg(plan.assemble, run);
  return { plan, output: plan.assemble.output };
}
