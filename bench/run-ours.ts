import { mkdir, rename, rm } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Config, loadConfig } from "../functions/core/config.js";
import type { FfmpegCommand } from "../functions/core/plan/render-plan.js";
import { InMemoryObjectStore } from "../functions/core/ports/in-memory-object-store.js";
import { parseProjectRequest } from "../functions/core/schema/parse-project-request.js";
import type { Project } from "../functions/core/schema/project.js";
import { type PreparedJob, prepareJob } from "../functions/render/pipeline/prepare-job.js";
import { resolveWhisperPaths } from "../functions/render/speech/whisper-paths.js";
import { FRAME, IMAGE_AT, INPUTS } from "./bench-env.js";
import {
  type CommandRun,
  type Meter,
  measuredRun,
  sumUsage,
  timedFfmpeg,
  withNodeRss,
} from "./ffmpeg-usage.js";
import type { CaseInputs } from "./inputs.js";
import { LOSSLESS, type RunResult, type Variant } from "./variant.js";
import type { TimedWord } from "./videocraft-baseline-plan.js";

/**
 * Ours, as the worker runs a whole job: `prepareJob` (fetch, probe, timings, plan: the worker's
 * own step), then the segments one after another with the soundtrack mixed beside them, then the
 * concat with the poster beside it. Every ffmpeg goes through the worker's runner.
 */

/** The levers' "before": each undoes one choice of the plan so its effect can be measured. */
export interface Tweaks {
  /** Overlay a full-frame clip onto a colour frame instead of using it as the base frame. */
  colourBase?: true;
  /** Leave x264's threads to x264 (1.5 per core) instead of the vCPUs. */
  x264Threads?: true;
  /** ffmpeg's default AAC coder (`twoloop`) instead of `fast`. */
  aacTwoloop?: true;
  /** x264 `rc-lookahead` (the preset's own when unset). */
  lookahead?: number;
  /** x264's own threaded lookahead (`sync-lookahead` auto) instead of 0. */
  threadedLookahead?: true;
  /** Decode (and scale) each still for every output frame instead of once. */
  stillsPerFrame?: true;
  /** Mix the soundtrack after the encodes and make the poster after the concat. */
  sequential?: true;
}

/** The request the benchmark renders: VideoCraft's scene shape with the same caption words. */
export function ourRequest(inputs: CaseInputs, words: TimedWord[][], quality: unknown): unknown {
  const url = (path: string) => pathToFileURL(path).href;
  let offset = 0;
  return {
    resolution: `${FRAME.width}x${FRAME.height}`,
    fps: FRAME.fps,
    quality,
    elements: [{ type: "video", src: url(inputs.background.path), z_index: -10 }],
    scenes: inputs.narration.map((n, i) => {
      const last = i === inputs.narration.length - 1;
      const sceneStart = offset;
      offset += n.durationSeconds;
      return {
        id: `scene-${i}`,
        // VideoCraft pads 2 s of silence after the last narration; the last scene carries it.
        ...(last ? { duration: n.durationSeconds + 2 } : {}),
        elements: [
          { type: "audio", src: url(n.path) },
          {
            type: "image",
            src: url(inputs.images[i % inputs.images.length] ?? ""),
            ...IMAGE_AT,
            width: 500,
            height: 500,
            resize: "stretch",
            duration: n.durationSeconds,
          },
          {
            type: "subtitles",
            settings: { style: "progressive", font_size: "72px", position: "center-bottom" },
            words: (words[i] ?? []).map((w) => ({
              word: w.word,
              start: Number((w.start - sceneStart).toFixed(3)),
              end: Number((w.end - sceneStart).toFixed(3)),
            })),
          },
        ],
      };
    }),
  };
}

/** The worker's configuration for the benchmark: local sources from the inputs folder, defaults elsewhere. */
export function benchConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    VIDEOCRAFT_BUCKET: "bench",
    VIDEOCRAFT_QUEUE_URL: "http://localhost/queue",
    VIDEOCRAFT_AUTH: "gateway",
    VIDEOCRAFT_LOCAL_ALLOWED_DIR: INPUTS,
    ...(process.env.VIDEOCRAFT_FFMPEG_PRESET
      ? { VIDEOCRAFT_FFMPEG_PRESET: process.env.VIDEOCRAFT_FFMPEG_PRESET }
      : {}),
    ...env,
  });
}

export function parseProject(body: unknown): Project {
  const parsed = parseProjectRequest(body, { maxProjects: 1 });
  if (!parsed.ok) throw new Error(`bench project rejected: ${JSON.stringify(parsed.issues)}`);
  const project = parsed.projects[0];
  if (!project) throw new Error("bench project missing");
  return project;
}

/** The worker's prepare step, timed step by step. */
export async function prepareTimed(
  project: Project,
  config: Config,
  workDir: string,
  planning: { opaqueBase?: boolean } = {},
): Promise<{ prepared: PreparedJob; phases: Record<string, number> }> {
  const phases: Record<string, number> = {};
  let current: string | undefined;
  let since = performance.now();
  const names: Record<string, string> = {
    fetching: "fetch",
    probing: "probe",
    transcribing: "timings",
    planning: "plan",
  };
  const prepared = await prepareJob(
    project,
    { config, store: new InMemoryObjectStore(), whisper: resolveWhisperPaths(config.transcriptionModel, {}) },
    {
      workDir,
      stepTimeoutMs: () => 600_000,
      step: async (name) => {
        const now = performance.now();
        if (current) phases[current] = (now - since) / 1000;
        current = names[name] ?? name;
        since = now;
      },
    },
    planning,
  );
  if (current) phases[current] = (performance.now() - since) / 1000;
  return { prepared, phases };
}

function withArgs(command: FfmpegCommand, edit: (args: string[]) => string[]): FfmpegCommand {
  return { ...command, args: edit([...command.args]) };
}

/** Inserts `extra` before the output file (the last argument). */
const beforeOutput = (args: string[], ...extra: string[]) => [
  ...args.slice(0, -1),
  ...extra,
  ...args.slice(-1),
];

function tweakSegment(command: FfmpegCommand, tweaks: Tweaks, seconds: number): FfmpegCommand {
  return withArgs(command, (args) => {
    let out = args;
    if (tweaks.x264Threads) {
      const i = out.indexOf("-threads");
      if (i >= 0) out = [...out.slice(0, i), ...out.slice(i + 2)];
    }
    if (tweaks.lookahead !== undefined) out = beforeOutput(out, "-rc-lookahead", String(tweaks.lookahead));
    if (tweaks.threadedLookahead) {
      const i = out.indexOf("-x264-params");
      if (i >= 0) out = [...out.slice(0, i), ...out.slice(i + 2)];
    }
    if (tweaks.stillsPerFrame) {
      // An image input read as a stream of frames: decoded and scaled for every output frame.
      out = out.flatMap((a, i) =>
        a === "-f" && /_pipe$/.test(out[i + 1] ?? "")
          ? ["-loop", "1", "-framerate", String(FRAME.fps), "-t", String(seconds), a]
          : [a],
      );
    }
    return out;
  });
}

/** Runs a variant of ours on a case and measures it. */
export async function runOurs(
  inputs: CaseInputs,
  words: TimedWord[][],
  variant: Variant,
  dir: string,
  meter: Meter,
  tweaks: Tweaks = {},
): Promise<RunResult> {
  const workDir = join(dir, variant.name);
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  const encoder = variant.reference ? LOSSLESS : { preset: variant.preset, crf: variant.crf };
  const quality = variant.draft ? "draft" : (encoder.crf ?? "medium");
  const project = parseProject(ourRequest(inputs, words, quality));
  const config = benchConfig(encoder.preset ? { VIDEOCRAFT_FFMPEG_PRESET: encoder.preset } : {});

  const { value, nodeRssMb } = await withNodeRss(async () => {
    const t0 = performance.now();
    const { prepared, phases } = await prepareTimed(
      project,
      config,
      workDir,
      tweaks.colourBase ? { opaqueBase: false } : {},
    );
    const { plan } = prepared;
    const audio = tweaks.aacTwoloop
      ? withArgs(plan.audio, (a) => a.map((x, i) => (a[i - 1] === "-aac_coder" ? "twoloop" : x)))
      : plan.audio;
    const tEncode = performance.now();
    const mixBeside = tweaks.sequential ? undefined : timedFfmpeg(audio, meter);
    const segments: CommandRun[] = [];
    for (const segment of plan.segments) {
      segments.push(
        await timedFfmpeg(tweakSegment(segment.command, tweaks, segment.frames / plan.fps), meter),
      );
    }
    phases.segments = segments.reduce((s, r) => s + r.seconds, 0);
    const mixed = mixBeside ? await mixBeside : await timedFfmpeg(audio, meter);
    phases.audio = mixed.seconds;
    // Wall seconds from the first encode to the soundtrack ready: the encodes plus whatever of the mix did not overlap.
    phases.encodeAndMix = (performance.now() - tEncode) / 1000;
    const tJoin = performance.now();
    let assemble: CommandRun;
    let poster: CommandRun;
    if (tweaks.sequential) {
      assemble = await timedFfmpeg(plan.assemble, meter);
      poster = await timedFfmpeg(plan.poster, meter);
    } else {
      [assemble, poster] = await Promise.all([
        timedFfmpeg(plan.assemble, meter),
        timedFfmpeg(plan.poster, meter),
      ]);
    }
    phases.assemble = assemble.seconds;
    phases.poster = poster.seconds;
    phases.assembleAndPoster = (performance.now() - tJoin) / 1000;
    const seconds = (performance.now() - t0) / 1000;
    const phaseCpu: Record<string, number> = {};
    for (const [key, runs] of Object.entries({
      segments,
      audio: [mixed],
      assemble: [assemble],
      poster: [poster],
    })) {
      const { cpu } = sumUsage(runs);
      if (cpu !== null) phaseCpu[key] = cpu;
    }
    return { prepared, phases, phaseCpu, seconds, segments, all: [...segments, mixed, assemble, poster] };
  });
  const output = join(dir, `${variant.name}.mp4`);
  const audioOut = join(dir, `${variant.name}.m4a`);
  await rename(value.prepared.plan.assemble.output, output);
  await rename(value.prepared.plan.audio.output, audioOut);
  await rm(workDir, { recursive: true, force: true });
  return {
    ...(await measuredRun(value.seconds, value.all, nodeRssMb, output)),
    audio: audioOut,
    phases: value.phases,
    phaseCpu: value.phaseCpu,
    segmentCpuSeconds: sumUsage(value.segments).cpu,
    captionsRendered: !value.prepared.warnings.some((w) => /captions/i.test(w)),
    load1: loadavg()[0] ?? 0,
  };
}
