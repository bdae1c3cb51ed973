import type { Config } from "../config.js";
import type { Project } from "../schema/project.js";
import type { EncoderSettings } from "./render-plan.js";

/** The x264 settings a project is encoded with: `draft` quality takes the fastest preset. */
export function encoderFor(project: Project, config: Config): EncoderSettings {
  return {
    preset: project.draft ? "ultrafast" : config.ffmpeg.preset,
    crf: project.crf ?? config.ffmpeg.crf,
    threads: config.ffmpeg.threads,
  };
}
