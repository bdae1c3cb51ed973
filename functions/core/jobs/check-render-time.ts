import type { Config } from "../config.js";
import { chunkRanges } from "../plan/chunk-ranges.js";
import { framesFor } from "../plan/scene-timeline.js";
import type { Project } from "../schema/project.js";
import { chunkFramesFor } from "./chunk-length.js";
import { encodeSecondsPerSecond, estimateFixedStages, estimateRenderSeconds } from "./estimate-render.js";
import { RENDER_TIME_SHARE } from "./render-time-share.js";

export interface RenderTimeProblem {
  /** `scenes[i]` for a scene (or its chunks), `scenes` for work done once for the whole job. */
  path: string;
  code: "TIMEOUT";
  /** Names the unit, its estimate and the limit. */
  message: string;
}

type CheckConfig = Pick<Config, "ffmpeg" | "render" | "fanout">;

/**
 * The units of work a job becomes and those estimated to outlast RENDER_TIME_SHARE of the render
 * timeout, which would end TIMEOUT after the whole timeout was paid for.
 *
 * With fan-out, length is split, never refused: a scene longer than the chunk length becomes
 * chunks (chunk-length.ts keeps each inside the limit), and a job of `minScenes` or more parts
 * renders each in its own invocation. What chunking cannot shorten is still checked: the
 * coordinator's work on the whole video (speech recognition, the soundtrack mix) and the
 * assembly, and a chunk so costly that even the shortest one does not fit. Without fan-out the
 * whole job is one invocation.
 * `sceneSeconds[i]` is null for a scene whose length is not known yet (timed by unprobed audio).
 */
export function checkRenderTime(
  project: Project,
  sceneSeconds: readonly (number | null)[],
  config: CheckConfig,
): RenderTimeProblem[] {
  const limit = RENDER_TIME_SHARE * config.render.timeoutSeconds;
  const over = (what: string, estimate: number, advice: string) =>
    `${what} would take about ${Math.round(estimate)} s to render on ${config.render.memoryMb} MB, more than ` +
    `${Math.round(limit)} s (${RENDER_TIME_SHARE * 100}% of the ${config.render.timeoutSeconds} s render timeout); ${advice}`;
  const total = sceneSeconds.reduce<number>((sum, s) => sum + (s ?? 0), 0);
  const known = sceneSeconds.filter((s): s is number => s !== null);
  const chunkFrames = chunkFramesFor(project, config, known);
  const parts = sceneSeconds.reduce<number>(
    (sum, s) => sum + (s === null ? 1 : chunkRanges(framesFor(s, project.fps), chunkFrames).length),
    0,
  );
  if (chunkFrames !== undefined && parts >= config.fanout.minScenes) {
    const problems: RenderTimeProblem[] = [];
    const chunkSeconds = chunkFrames / project.fps;
    const chunkEstimate =
      estimateRenderSeconds(project, 0, config) + chunkSeconds * encodeSecondsPerSecond(project, config);
    if (chunkEstimate > limit) {
      sceneSeconds.forEach((seconds, i) => {
        if (seconds === null) return;
        const what = `each ${Math.round(Math.min(seconds, chunkSeconds))} s part of scene "${project.scenes[i]?.id}"`;
        problems.push(
          problem(`scenes[${i}]`, over(what, chunkEstimate, "lower the resolution or frame rate")),
        );
      });
    }
    const { coordinatorSeconds, assemblySeconds } = estimateFixedStages(project, total, config);
    if (coordinatorSeconds > limit) {
      const what = `preparing the ${Math.round(total)} s video (speech recognition and the soundtrack mix, done once)`;
      problems.push(
        problem("scenes", over(what, coordinatorSeconds, "give caption words or a shorter video")),
      );
    }
    if (assemblySeconds > limit) {
      const what = `joining the ${Math.round(total)} s video`;
      problems.push(problem("scenes", over(what, assemblySeconds, "make the video shorter")));
    }
    return problems;
  }
  const advice = "split it into shorter scenes";
  const estimate = estimateRenderSeconds(project, total, config);
  if (estimate <= limit) return [];
  const [only] = project.scenes;
  return project.scenes.length === 1 && only
    ? [problem("scenes[0]", over(`scene "${only.id}" (${Math.round(total)} s)`, estimate, advice))]
    : [
        problem(
          "scenes",
          over(`the job (${Math.round(total)} s, rendered in one invocation)`, estimate, advice),
        ),
      ];
}

const problem = (path: string, message: string): RenderTimeProblem => ({ path, code: "TIMEOUT", message });
