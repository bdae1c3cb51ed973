import type { Config } from "../config.js";
import type { Project } from "../schema/project.js";
import { estimateRenderSeconds } from "./estimate-render.js";

/**
 * Share of the render function's timeout a unit of work may be estimated to need. The estimate is
 * good to a factor of ~2 (estimate-render.ts); the rest is headroom for a slow source or a busy host.
 */
export const RENDER_TIME_SHARE = 0.8;

export interface RenderTimeProblem {
  /** `scenes[i]` for a scene rendered on its own, `scenes` for a job rendered in one piece. */
  path: string;
  code: "TIMEOUT";
  /** Names the unit, its estimate and the limit. */
  message: string;
}

type CheckConfig = Pick<Config, "ffmpeg" | "render" | "fanout">;

/**
 * The units of work a job becomes and those estimated to outlast RENDER_TIME_SHARE of the render
 * timeout, which would end TIMEOUT after the whole timeout was paid for. With fan-out a job of
 * `minScenes` or more scenes renders each scene in its own invocation; otherwise the whole job is one.
 * `sceneSeconds[i]` is null for a scene whose length is not known yet (timed by unprobed audio).
 */
export function checkRenderTime(
  project: Project,
  sceneSeconds: readonly (number | null)[],
  config: CheckConfig,
): RenderTimeProblem[] {
  const limit = RENDER_TIME_SHARE * config.render.timeoutSeconds;
  const describe = (what: string, estimate: number) =>
    `${what} would take about ${Math.round(estimate)} s to render on ${config.render.memoryMb} MB, more than ` +
    `${Math.round(limit)} s (${RENDER_TIME_SHARE * 100}% of the ${config.render.timeoutSeconds} s render timeout); ` +
    "split it into shorter scenes";
  const splits =
    config.fanout.assemblyQueueUrl !== undefined && project.scenes.length >= config.fanout.minScenes;
  if (splits) {
    return sceneSeconds.flatMap((seconds, i) => {
      if (seconds === null) return [];
      const estimate = estimateRenderSeconds(project, seconds, config);
      if (estimate <= limit) return [];
      const id = project.scenes[i]?.id;
      return [problem(`scenes[${i}]`, describe(`scene "${id}" (${Math.round(seconds)} s)`, estimate))];
    });
  }
  const total = sceneSeconds.reduce<number>((sum, s) => sum + (s ?? 0), 0);
  const estimate = estimateRenderSeconds(project, total, config);
  if (estimate <= limit) return [];
  const [only] = project.scenes;
  return project.scenes.length === 1 && only
    ? [problem("scenes[0]", describe(`scene "${only.id}" (${Math.round(total)} s)`, estimate))]
    : [problem("scenes", describe(`the job (${Math.round(total)} s, rendered in one invocation)`, estimate))];
}

const problem = (path: string, message: string): RenderTimeProblem => ({ path, code: "TIMEOUT", message });
