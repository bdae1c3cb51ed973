/**
 * Benchmark: our render plan against VideoCraft's own ffmpeg plan on the same generated inputs,
 * interleaved in one run so machine load hits both alike. Not a test; see bench/README.md.
 *
 *   npx tsx bench/run.ts [--quick] [--json] [--repeat N] [--cases 30s,2min]
 */
import { execFile, spawnSync } from "node:child_process";
import { access, chmod, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs, promisify } from "node:util";
import { loadConfig } from "../functions/core/config.js";
import { buildRenderPlan } from "../functions/core/plan/build-render-plan.js";
import { encoderFor } from "../functions/core/plan/encoder-settings.js";
import type { FfmpegCommand, RenderPlan } from "../functions/core/plan/render-plan.js";
import { InMemoryObjectStore } from "../functions/core/ports/in-memory-object-store.js";
import { parseProjectRequest } from "../functions/core/schema/parse-project-request.js";
import type { Project } from "../functions/core/schema/project.js";
import { probeSources } from "../functions/render/pipeline/probe-media.js";
import { resolveCaptions } from "../functions/render/pipeline/resolve-captions.js";
import { runFfmpeg } from "../functions/render/pipeline/run-ffmpeg.js";
import { resolveWhisperPaths } from "../functions/render/speech/whisper-paths.js";
import { generateSpeech, generateVideo } from "../local/generate-media.js";
import { formatLambdaTable, formatTable, lambdaTable, type MeasuredSpeeds } from "./lambda-model.js";
import { type TimedWord, videocraftBaselineCommand, wordByWordAss } from "./videocraft-baseline-plan.js";

const exec = promisify(execFile);

// ---------------------------------------------------------------------------------------------
// Options and cases

const { values: opts } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    repeat: { type: "string" },
    cases: { type: "string" },
  },
});
const quick = opts.quick ?? false;
const repeatOverride = opts.repeat === undefined ? undefined : Math.max(1, Number(opts.repeat) || 1);

const WIDTH = 1920;
const HEIGHT = 1080;
const FPS = 30;
const IMAGE_X = 120;
const IMAGE_Y = 200;

type VariantName =
  | "baseline"
  | "baseline-ass"
  | "ours"
  | "ours-draft"
  | "ours-medium"
  | "ours-faster"
  | "ours-superfast";

interface Variant {
  name: VariantName;
  kind: "baseline" | "ours";
  ass?: boolean;
  /** Preset override for ours (default: the deployment default via encoderFor). */
  preset?: string;
  draft?: boolean;
}

const VARIANTS: Record<VariantName, Variant> = {
  baseline: { name: "baseline", kind: "baseline" },
  "baseline-ass": { name: "baseline-ass", kind: "baseline", ass: true },
  ours: { name: "ours", kind: "ours" },
  "ours-draft": { name: "ours-draft", kind: "ours", draft: true },
  "ours-medium": { name: "ours-medium", kind: "ours", preset: "medium" },
  "ours-faster": { name: "ours-faster", kind: "ours", preset: "faster" },
  "ours-superfast": { name: "ours-superfast", kind: "ours", preset: "superfast" },
};

interface CaseSpec {
  name: string;
  scenes: number;
  /** Total video seconds aimed at (narration + VideoCraft's 2 s tail). */
  targetSeconds: number;
  /** Run order inside one repeat; baseline and ours alternate. */
  variants: VariantName[];
  /** Repeats unless `--repeat` is given. */
  repeat: number;
}

const QUICK_VARIANTS: VariantName[] = ["baseline", "ours", "ours-draft"];
const MAIN_VARIANTS: VariantName[] = ["baseline", "ours", "baseline-ass", "ours-draft"];
const PRESET_VARIANTS: VariantName[] = ["baseline", "ours", "ours-medium", "ours-faster", "ours-superfast"];
const CASES: CaseSpec[] = quick
  ? [{ name: "10s", scenes: 2, targetSeconds: 10, variants: QUICK_VARIANTS, repeat: 1 }]
  : [
      { name: "30s", scenes: 2, targetSeconds: 30, variants: MAIN_VARIANTS, repeat: 2 },
      {
        name: "2min",
        scenes: 3,
        targetSeconds: 120,
        variants: ["baseline", "ours", "ours-draft"],
        repeat: 1,
      },
      // The preset sweep reuses the 10 s inputs: same content, a third of the time.
      { name: "10s", scenes: 2, targetSeconds: 10, variants: PRESET_VARIANTS, repeat: 1 },
    ];
const selected = opts.cases ? CASES.filter((c) => opts.cases?.split(",").includes(c.name)) : CASES;

const CACHE = resolve(".cache/bench");
const INPUTS = join(CACHE, "inputs");
const OUT = join(CACHE, "out");

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

// ---------------------------------------------------------------------------------------------
// Inputs (generated once, kept in .cache/bench/inputs)

const SENTENCES = [
  "Every video starts as a small JSON document describing scenes.",
  "The renderer downloads each source once and checks what it contains.",
  "Narration drives the length of every scene in the project.",
  "Images appear while their scene is speaking and vanish afterwards.",
  "A background clip loops quietly behind everything else.",
  "Captions follow the voice one word at a time.",
  "When the last frame is written the file is uploaded for download.",
  "Short previews use a faster encoder and a larger file.",
];

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function ffmpegQuiet(args: string[]): Promise<void> {
  await exec("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args]);
}

async function probeDuration(path: string): Promise<number> {
  const { stdout } = await exec("ffprobe", [
    "-v",
    "error",
    "-show_entries",
    "format=duration",
    "-of",
    "default=nw=1:nk=1",
    path,
  ]);
  return Number(stdout.trim());
}

interface Narration {
  path: string;
  text: string;
  durationSeconds: number;
}

interface CaseInputs {
  background: { path: string; durationSeconds: number };
  images: string[];
  narration: Narration[];
}

async function sharedInputs(): Promise<{ background: string; images: string[] }> {
  await mkdir(INPUTS, { recursive: true });
  const background = join(INPUTS, "background-1080p-10s.mp4");
  if (!(await exists(background))) {
    log("generating the 1080p background video (10 s)");
    await generateVideo(background, { seconds: 10, width: WIDTH, height: HEIGHT, fps: FPS });
  }
  const images = [join(INPUTS, "image-a-800x600.png"), join(INPUTS, "image-b-800x600.png")];
  const sources = ["testsrc=size=800x600:rate=1", "mandelbrot=size=800x600:rate=1"];
  for (const [i, path] of images.entries()) {
    if (await exists(path)) continue;
    await ffmpegQuiet(["-f", "lavfi", "-i", sources[i] ?? "testsrc", "-frames:v", "1", path]);
  }
  return { background, images };
}

/** espeak-ng narration of about `seconds`, from repeated sentences. */
async function narration(path: string, seconds: number, seed: number): Promise<Narration> {
  const textFile = `${path}.txt`;
  if ((await exists(path)) && (await exists(textFile))) {
    return { path, text: await readFile(textFile, "utf8"), durationSeconds: await probeDuration(path) };
  }
  let words = Math.max(4, Math.round(seconds * 2.5));
  let text = "";
  let duration = 0;
  for (let attempt = 0; attempt < 4; attempt++) {
    const out: string[] = [];
    for (let i = seed; out.length < words; i++)
      out.push(...(SENTENCES[i % SENTENCES.length] ?? "").split(" "));
    text = out.slice(0, words).join(" ");
    if (!text.endsWith(".")) text += ".";
    await generateSpeech(path, text);
    duration = await probeDuration(path);
    if (Math.abs(duration - seconds) / seconds < 0.08) break;
    words = Math.max(4, Math.round((words * seconds) / duration));
  }
  await writeFile(textFile, text);
  return { path, text, durationSeconds: duration };
}

async function caseInputs(spec: CaseSpec): Promise<CaseInputs> {
  const shared = await sharedInputs();
  const perScene = (spec.targetSeconds - 2) / spec.scenes;
  const narrations: Narration[] = [];
  for (let i = 0; i < spec.scenes; i++) {
    const path = join(INPUTS, `narration-${spec.name}-${i}.wav`);
    narrations.push(await narration(path, perScene, i * 3));
  }
  return {
    background: { path: shared.background, durationSeconds: await probeDuration(shared.background) },
    images: shared.images,
    narration: narrations,
  };
}

/** Words spread evenly over each narration, on the output timeline. */
function timedWords(inputs: CaseInputs): TimedWord[][] {
  let offset = 0;
  return inputs.narration.map((n) => {
    const words = n.text.split(/\s+/).filter(Boolean);
    const step = n.durationSeconds / words.length;
    const timed = words.map((word, i) => ({
      word,
      start: offset + i * step,
      end: offset + (i + 1) * step,
    }));
    offset += n.durationSeconds;
    return timed;
  });
}

// ---------------------------------------------------------------------------------------------
// Measuring ffmpeg: /usr/bin/time -f '%M %U %S %e' gives the peak RSS (KiB) and CPU seconds of
// the ffmpeg child; a tiny wrapper script is handed to runFfmpeg as the ffmpeg binary.

const TIME_BIN = "/usr/bin/time";
let timeFileCounter = 0;

interface ProcessUsage {
  peakRssKb: number;
  cpuSeconds: number;
}

async function ffmpegWrapper(): Promise<string | undefined> {
  if (!(await exists(TIME_BIN))) {
    log("/usr/bin/time not found: ffmpeg RSS and CPU seconds are not measured (apt-get install time)");
    return undefined;
  }
  const path = join(CACHE, "ffmpeg-timed.sh");
  await writeFile(path, `#!/bin/sh\nexec ${TIME_BIN} -f '%M %U %S %e' -o "$BENCH_TIME_FILE" ffmpeg "$@"\n`);
  await chmod(path, 0o755);
  return path;
}

async function readUsage(file: string): Promise<ProcessUsage | undefined> {
  try {
    const lines = (await readFile(file, "utf8")).trim().split("\n");
    await rm(file, { force: true });
    for (const line of lines.reverse()) {
      const m = /^(\d+) ([\d.]+) ([\d.]+) ([\d.]+)$/.exec(line.trim());
      if (m) return { peakRssKb: Number(m[1]), cpuSeconds: Number(m[2]) + Number(m[3]) };
    }
  } catch {
    // no file: not measured
  }
  return undefined;
}

interface CommandRun {
  seconds: number;
  usage: ProcessUsage | undefined;
}

async function timedFfmpeg(command: FfmpegCommand, wrapper: string | undefined): Promise<CommandRun> {
  const file = join(CACHE, `time-${process.pid}-${timeFileCounter++}.txt`);
  process.env.BENCH_TIME_FILE = file;
  const t0 = performance.now();
  await runFfmpeg(command, { ffmpegPath: wrapper ?? "ffmpeg", timeoutMs: 60 * 60 * 1000 });
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, usage: wrapper ? await readUsage(file) : undefined };
}

/** Peak RSS of this node process while `fn` runs, sampled every 50 ms. */
async function withNodeRss<T>(fn: () => Promise<T>): Promise<{ value: T; nodeRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, nodeRssMb: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// The two plans

interface RunResult {
  seconds: number;
  cpuSeconds: number | null;
  ffmpegPeakRssMb: number | null;
  nodeRssMb: number;
  bytes: number;
  output: string;
  /** Ours only: wall seconds per step. */
  phases?: Record<string, number>;
  /** Ours only: ffmpeg CPU seconds (user + sys) per step. */
  phaseCpu?: Record<string, number>;
  /** Ours only: CPU seconds of the segment encodes. */
  segmentCpuSeconds?: number | null;
  captionsRendered?: boolean;
  /** 1-minute load average when the run ended (machine shared with other work). */
  load1?: number;
}

function sumUsage(runs: CommandRun[]): { cpu: number | null; peak: number | null } {
  if (runs.some((r) => !r.usage)) return { cpu: null, peak: null };
  return {
    cpu: runs.reduce((s, r) => s + (r.usage?.cpuSeconds ?? 0), 0),
    peak: Math.max(...runs.map((r) => r.usage?.peakRssKb ?? 0)) / 1024,
  };
}

async function runBaseline(
  inputs: CaseInputs,
  words: TimedWord[][],
  variant: Variant,
  dir: string,
  wrapper: string | undefined,
): Promise<RunResult> {
  let assPath: string | undefined;
  if (variant.ass) {
    assPath = join(dir, "captions.ass");
    // VideoCraft draws captions at the background's size; here that is the output size.
    await writeFile(assPath, wordByWordAss(words.flat(), WIDTH, HEIGHT));
  }
  const output = join(dir, `${variant.name}.mp4`);
  const command = videocraftBaselineCommand({
    background: inputs.background,
    scenes: inputs.narration.map((n, i) => ({
      audio: { path: n.path, durationSeconds: n.durationSeconds },
      image: { path: inputs.images[i % inputs.images.length] ?? "", x: IMAGE_X, y: IMAGE_Y },
    })),
    width: WIDTH,
    height: HEIGHT,
    quality: "medium",
    ...(assPath ? { assPath } : {}),
    output,
  });
  const { value: run, nodeRssMb } = await withNodeRss(() => timedFfmpeg({ ...command, files: [] }, wrapper));
  const usage = sumUsage([run]);
  return {
    seconds: run.seconds,
    cpuSeconds: usage.cpu,
    ffmpegPeakRssMb: usage.peak,
    nodeRssMb,
    bytes: (await stat(output)).size,
    output,
  };
}

function ourRequest(inputs: CaseInputs, words: TimedWord[][], draft: boolean): unknown {
  const url = (path: string) => pathToFileURL(path).href;
  let offset = 0;
  return {
    resolution: `${WIDTH}x${HEIGHT}`,
    fps: FPS,
    quality: draft ? "draft" : "medium",
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
            x: IMAGE_X,
            y: IMAGE_Y,
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

const benchConfig = loadConfig({
  VIDEOCRAFT_BUCKET: "bench",
  VIDEOCRAFT_QUEUE_URL: "http://localhost/queue",
  VIDEOCRAFT_AUTH: "gateway",
  ...(process.env.VIDEOCRAFT_FFMPEG_PRESET
    ? { VIDEOCRAFT_FFMPEG_PRESET: process.env.VIDEOCRAFT_FFMPEG_PRESET }
    : {}),
});

function parseOurs(inputs: CaseInputs, words: TimedWord[][], draft: boolean): Project {
  const parsed = parseProjectRequest(ourRequest(inputs, words, draft), { maxProjects: 1 });
  if (!parsed.ok) throw new Error(`bench project rejected: ${JSON.stringify(parsed.issues)}`);
  const project = parsed.projects[0];
  if (!project) throw new Error("bench project missing");
  return project;
}

/** Mirrors renderJob's order: probe, plan, scene segments one after another, audio, assemble, poster. */
async function runOurs(
  inputs: CaseInputs,
  words: TimedWord[][],
  variant: Variant,
  dir: string,
  wrapper: string | undefined,
): Promise<RunResult> {
  const workDir = join(dir, variant.name);
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  const project = parseOurs(inputs, words, variant.draft ?? false);
  const config = variant.preset
    ? { ...benchConfig, ffmpeg: { ...benchConfig.ffmpeg, preset: variant.preset as "medium" } }
    : benchConfig;
  const paths = new Map<string, string>();
  const addSource = (el: { type: string; src?: string }) => {
    if (el.src) paths.set(el.src, new URL(el.src).pathname);
  };
  project.elements.forEach(addSource);
  for (const scene of project.scenes) scene.elements.forEach(addSource);

  const { value, nodeRssMb } = await withNodeRss(async () => {
    const phases: Record<string, number> = {};
    const t0 = performance.now();
    const sources = await probeSources(paths, { ffprobePath: "ffprobe" });
    phases.probe = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    // Given word timings, as the renderer resolves them (no recogniser runs), so our captions are burned in too.
    const { captions } = await resolveCaptions(project, sources, paths, {
      store: new InMemoryObjectStore(),
      workDir,
      ffmpegPath: "ffmpeg",
      whisper: resolveWhisperPaths("base.en", {}),
      timeoutMs: 60_000,
    });
    const plan: RenderPlan = buildRenderPlan(project, sources, {
      workDir,
      encoder: encoderFor(project, config),
      captions,
    });
    phases.plan = (performance.now() - t1) / 1000;
    const segments: CommandRun[] = [];
    for (const scene of plan.scenes) segments.push(await timedFfmpeg(scene.command, wrapper));
    phases.segments = segments.reduce((s, r) => s + r.seconds, 0);
    const audio = await timedFfmpeg(plan.audio, wrapper);
    phases.audio = audio.seconds;
    const assemble = await timedFfmpeg(plan.assemble, wrapper);
    phases.assemble = assemble.seconds;
    const poster = await timedFfmpeg(plan.poster, wrapper);
    phases.poster = poster.seconds;
    const seconds = (performance.now() - t0) / 1000;
    const cpu = (runs: CommandRun[]) =>
      runs.every((r) => r.usage) ? runs.reduce((sum, r) => sum + (r.usage?.cpuSeconds ?? 0), 0) : undefined;
    const phaseCpu: Record<string, number> = {};
    for (const [key, runs] of Object.entries({
      segments,
      audio: [audio],
      assemble: [assemble],
      poster: [poster],
    })) {
      const c = cpu(runs);
      if (c !== undefined) phaseCpu[key] = c;
    }
    return { plan, phases, phaseCpu, seconds, segments, all: [...segments, audio, assemble, poster] };
  });
  const usage = sumUsage(value.all);
  const segUsage = sumUsage(value.segments);
  const output = join(dir, `${variant.name}.mp4`);
  await rm(output, { force: true });
  await exec("mv", [value.plan.assemble.output, output]);
  const captionsRendered = !value.plan.warnings.some((w) => /captions/i.test(w));
  await rm(workDir, { recursive: true, force: true });
  return {
    seconds: value.seconds,
    cpuSeconds: usage.cpu,
    ffmpegPeakRssMb: usage.peak,
    nodeRssMb,
    bytes: (await stat(output)).size,
    output,
    phases: value.phases,
    phaseCpu: value.phaseCpu,
    segmentCpuSeconds: segUsage.cpu,
    captionsRendered,
  };
}

// ---------------------------------------------------------------------------------------------
// Quality

async function ssim(a: string, b: string): Promise<number | null> {
  const scale = `scale=${WIDTH}:${HEIGHT},setsar=1`;
  const r = spawnSync(
    "ffmpeg",
    [
      "-hide_banner",
      "-nostdin",
      "-i",
      a,
      "-i",
      b,
      "-lavfi",
      `[0:v]${scale}[a];[1:v]${scale}[b];[a][b]ssim=shortest=1`,
      "-f",
      "null",
      "-",
    ],
    { encoding: "utf8", maxBuffer: 64 * 2 ** 20 },
  );
  const m = /SSIM .*All:([\d.]+)/.exec(r.stderr ?? "");
  return m?.[1] ? Number(m[1]) : null;
}

// ---------------------------------------------------------------------------------------------
// Report

interface VariantReport {
  runs: number[];
  /** Highest 1-minute load average seen at the end of a run. */
  load1: number;
  seconds: number;
  ratio: number | null;
  cpuSeconds: number | null;
  cpuRatio: number | null;
  ffmpegPeakRssMb: number | null;
  nodeRssMb: number;
  peakRssMb: number | null;
  bytes: number;
  sizeRatio: number | null;
  ssim: number | null;
  phases?: Record<string, number>;
  phaseCpu?: Record<string, number>;
  encodeFps?: number;
  encodeFramesPerCpuSecond?: number | null;
  captionsRendered?: boolean;
}

interface CaseReport {
  name: string;
  scenes: number;
  videoSeconds: number;
  frames: number;
  width: number;
  height: number;
  repeat: number;
  fairBaseline: "baseline" | "baseline-ass";
  variants: Partial<Record<VariantName, VariantReport>>;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const medianOrNull = (xs: readonly (number | null | undefined)[]): number | null =>
  xs.every((x) => typeof x === "number") ? median(xs as number[]) : null;
const round = (x: number | null | undefined, digits = 3): number | null =>
  typeof x === "number" ? Number(x.toFixed(digits)) : null;

async function runCase(spec: CaseSpec, wrapper: string | undefined): Promise<CaseReport> {
  log(`case ${spec.name}: preparing inputs`);
  const inputs = await caseInputs(spec);
  const words = timedWords(inputs);
  const dir = join(OUT, spec.name);
  await mkdir(dir, { recursive: true });
  const results = new Map<VariantName, RunResult[]>();
  const repeat = repeatOverride ?? spec.repeat;
  for (let r = 0; r < repeat; r++) {
    // Alternate the order between repeats so neither side always runs first.
    const order = r % 2 === 0 ? spec.variants : [...spec.variants].reverse();
    for (const name of order) {
      const variant = VARIANTS[name];
      const result =
        variant.kind === "baseline"
          ? await runBaseline(inputs, words, variant, dir, wrapper)
          : await runOurs(inputs, words, variant, dir, wrapper);
      result.load1 = loadavg()[0] ?? 0;
      log(
        `case ${spec.name} run ${r + 1}/${repeat} ${name}: ${result.seconds.toFixed(2)} s, load ${result.load1}`,
      );
      results.set(name, [...(results.get(name) ?? []), result]);
    }
  }

  const oursCaptions = results.get("ours")?.[0]?.captionsRendered ?? false;
  const fair: "baseline" | "baseline-ass" =
    oursCaptions && spec.variants.includes("baseline-ass") ? "baseline-ass" : "baseline";
  const fairRuns = results.get(fair) ?? [];
  const fairSeconds = median(fairRuns.map((r) => r.seconds));
  const fairCpu = medianOrNull(fairRuns.map((r) => r.cpuSeconds));
  const fairOutput = fairRuns.at(-1)?.output;
  const fairBytes = fairRuns.at(-1)?.bytes;
  const videoSeconds = inputs.narration.reduce((s, n) => s + n.durationSeconds, 0) + 2;
  const frames = Math.round(videoSeconds * FPS);

  log(`case ${spec.name}: SSIM against ${fair}`);
  const variants: Partial<Record<VariantName, VariantReport>> = {};
  for (const name of spec.variants) {
    const runs = results.get(name) ?? [];
    const last = runs.at(-1);
    if (!last) continue;
    const seconds = median(runs.map((r) => r.seconds));
    const ffmpegPeak = medianOrNull(runs.map((r) => r.ffmpegPeakRssMb));
    const cpu = medianOrNull(runs.map((r) => r.cpuSeconds));
    const nodeRss = Math.max(...runs.map((r) => r.nodeRssMb));
    const report: VariantReport = {
      runs: runs.map((r) => round(r.seconds) ?? 0),
      load1: round(Math.max(...runs.map((r) => r.load1 ?? 0)), 2) ?? 0,
      seconds: round(seconds) ?? 0,
      ratio: fairRuns.length > 0 ? round(seconds / fairSeconds) : null,
      cpuSeconds: round(cpu, 2),
      cpuRatio: cpu !== null && fairCpu ? round(cpu / fairCpu) : null,
      ffmpegPeakRssMb: round(ffmpegPeak, 1),
      nodeRssMb: round(nodeRss, 1) ?? 0,
      peakRssMb: ffmpegPeak === null ? null : round(ffmpegPeak + (last.phases ? nodeRss : 0), 1),
      bytes: last.bytes,
      sizeRatio: fairBytes ? round(last.bytes / fairBytes) : null,
      ssim: name === fair || !fairOutput ? null : round(await ssim(last.output, fairOutput), 4),
    };
    if (last.phases) {
      const phases: Record<string, number> = {};
      for (const key of Object.keys(last.phases)) {
        phases[key] = round(median(runs.map((r) => r.phases?.[key] ?? 0))) ?? 0;
      }
      report.phases = phases;
      const phaseCpu: Record<string, number> = {};
      for (const key of Object.keys(last.phaseCpu ?? {})) {
        phaseCpu[key] = round(median(runs.map((r) => r.phaseCpu?.[key] ?? 0))) ?? 0;
      }
      report.phaseCpu = phaseCpu;
      report.encodeFps = round(frames / (phases.segments ?? 1), 1) ?? 0;
      const segCpu = medianOrNull(runs.map((r) => r.segmentCpuSeconds));
      report.encodeFramesPerCpuSecond = segCpu ? round(frames / segCpu, 1) : null;
      report.captionsRendered = last.captionsRendered ?? false;
    }
    variants[name] = report;
  }
  return {
    name: spec.name,
    scenes: spec.scenes,
    videoSeconds: round(videoSeconds) ?? 0,
    frames,
    width: WIDTH,
    height: HEIGHT,
    repeat,
    fairBaseline: fair,
    variants,
  };
}

const fmt = (x: number | null | undefined, digits = 2): string =>
  typeof x === "number" ? x.toFixed(digits) : "-";

function resultsTable(cases: readonly CaseReport[]): string {
  const head = [
    "case",
    "variant",
    "seconds",
    "ratio",
    "cpu s",
    "cpu ratio",
    "ffmpeg RSS MB",
    "+node MB",
    "size MB",
    "size ratio",
    "SSIM",
    "baseline s",
    "load",
  ];
  const body: string[][] = [];
  for (const c of cases) {
    const base = c.variants[c.fairBaseline]?.seconds;
    for (const [name, v] of Object.entries(c.variants)) {
      body.push([
        `${c.name} (${c.scenes} sc, ${c.videoSeconds.toFixed(1)} s)`,
        name === c.fairBaseline ? `${name} *` : name,
        v.runs.map((s) => s.toFixed(1)).join("/"),
        fmt(v.ratio),
        fmt(v.cpuSeconds, 1),
        fmt(v.cpuRatio),
        fmt(v.ffmpegPeakRssMb, 0),
        v.phases ? fmt(v.nodeRssMb, 0) : "-",
        (v.bytes / 1e6).toFixed(2),
        fmt(v.sizeRatio),
        fmt(v.ssim, 4),
        fmt(base),
        fmt(v.load1, 1),
      ]);
    }
  }
  return formatTable(head, body);
}

interface Target {
  target: string;
  value: string;
  limit: string;
  pass: boolean | null;
}

function targets(cases: readonly CaseReport[], lambda: ReturnType<typeof lambdaTable>): Target[] {
  const out: Target[] = [];
  const main = cases.find((c) => c.name === "30s") ?? cases.find((c) => c.name === "10s");
  const label = main?.name === "10s" ? "10 s (quick stand-in for 30 s)" : "30 s";
  const ours = main?.variants.ours;
  const draft = main?.variants["ours-draft"];
  const check = (target: string, value: number | null | undefined, limit: number, le: boolean, digits = 2) =>
    out.push({
      target,
      value: fmt(value, digits),
      limit: `${le ? "≤" : "≥"} ${limit}`,
      pass: typeof value === "number" ? (le ? value <= limit : value >= limit) : null,
    });
  if (ours) {
    check(`${label}: default wall ratio`, ours.ratio, 0.5, true);
    check(`${label}: default size ratio`, ours.sizeRatio, 1.1, true);
    check(`${label}: default SSIM vs baseline`, ours.ssim, 0.98, false, 4);
    check(`${label}: default peak RSS MB (ffmpeg + node)`, ours.peakRssMb, 300, true, 0);
  }
  if (draft) check(`${label}: draft wall ratio`, draft.ratio, 0.25, true);
  const two = cases.find((c) => c.name === "2min")?.variants.ours;
  if (two) check("2 min, 3 scenes: default wall ratio", two.ratio, 0.5, true);
  for (const memoryMb of [3008, 10240]) {
    const row = lambda.find((r) => r.videoSeconds === 600 && r.segments === 8 && r.memoryMb === memoryMb);
    if (!row) continue;
    check(`10 min, 8 fns @ ${memoryMb} MB: Lambda wall s (model)`, row.wallSeconds, 90, true, 1);
    check(`10 min, 8 fns @ ${memoryMb} MB: Lambda cost $ (model)`, row.costUsd, 0.05, true, 4);
  }
  const notYet = (target: string, why: string) => out.push({ target, value: why, limit: "-", pass: null });
  notYet("10 min, 8 scenes: local 2-worker wall", "not measured here (bench/rerender.ts)");
  notYet("re-render 1 of 8 scenes / full", "not measured here (bench/rerender.ts)");
  notYet("API submit p50/p99 over 500 requests", "not measured by this benchmark");
  return out;
}

/**
 * Seconds of a trivial ffmpeg run (process start, no real work), median of three: CPU seconds when
 * /usr/bin/time is there (machine load inflates wall time, not CPU time), else wall seconds.
 */
async function ffmpegStartSeconds(wrapper: string | undefined): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const output = join(CACHE, "start.wav");
    const args = [
      ...["-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", "0.1"],
      ...["-hide_banner", "-nostdin", "-y", "-loglevel", "error", output],
    ];
    const run = await timedFfmpeg({ args, output, durationSeconds: 0.1, files: [] }, wrapper);
    runs.push(run.usage?.cpuSeconds ?? run.seconds);
  }
  return median(runs);
}

function measuredSpeeds(cases: readonly CaseReport[], startSeconds: number): MeasuredSpeeds | undefined {
  // The longest case gives the steadiest per-frame figures.
  const c = [...cases].sort((a, b) => b.videoSeconds - a.videoSeconds).find((x) => x.variants.ours?.phases);
  const ours = c?.variants.ours;
  if (!c || !ours?.phases) return undefined;
  const cores = cpus().length;
  // CPU seconds where measured: audio, concat and poster are (nearly) single-threaded, so on an
  // idle machine their wall time is their CPU time; load from others inflates only the wall time.
  const phase = (key: string) => ours.phaseCpu?.[key] ?? ours.phases?.[key] ?? 0;
  return {
    encodeFramesPerCpuSecond: ours.encodeFramesPerCpuSecond ?? round((ours.encodeFps ?? 0) / cores, 1) ?? 0,
    processStartSeconds: round(startSeconds) ?? 0,
    audioSecondsPerVideoSecond: round(Math.max(0, phase("audio") - startSeconds) / c.videoSeconds, 5) ?? 0,
    assembleSecondsPerVideoSecond:
      round(Math.max(0, phase("assemble") + phase("poster") - 2 * startSeconds) / c.videoSeconds, 5) ?? 0,
    outputBytesPerVideoSecond: Math.round(ours.bytes / c.videoSeconds),
    planSeconds: round((ours.phases.probe ?? 0) + (ours.phases.plan ?? 0)) ?? 0,
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  await mkdir(OUT, { recursive: true });
  const wrapper = await ffmpegWrapper();
  const ffmpegVersion = spawnSync("ffmpeg", ["-version"], { encoding: "utf8" }).stdout.split("\n")[0] ?? "";
  const cpuModel = cpus()[0]?.model ?? "unknown";
  const loadStart = loadavg().map((x) => round(x, 2) ?? 0);
  const cases: CaseReport[] = [];
  for (const spec of selected) {
    const report = await runCase(spec, wrapper);
    cases.push(report);
    // Printed as each case ends, so a long run that is interrupted still leaves its figures.
    log(`case ${spec.name} done:\n${resultsTable([report])}`);
  }
  const measured = measuredSpeeds(cases, await ffmpegStartSeconds(wrapper));
  const lambda = measured ? lambdaTable(measured) : [];
  const goals = targets(cases, lambda);
  const machine = {
    nproc: cpus().length,
    cpuModel,
    ffmpeg: ffmpegVersion,
    node: process.version,
    loadavgStart: loadStart,
    loadavgEnd: loadavg().map((x) => round(x, 2) ?? 0),
    benchNodeMaxRssMb: round(process.resourceUsage().maxRSS / 1024, 1),
  };

  const print = (s = "") => process.stdout.write(`${s}\n`);
  print(`machine: ${machine.nproc} × ${cpuModel}; ${ffmpegVersion}; node ${process.version}`);
  print(`load average at start ${loadStart.join(" ")}, at end ${machine.loadavgEnd.join(" ")}`);
  print("seconds: each run, median used; ratio and cpu ratio: variant / the baseline marked * (same case)");
  print();
  print(resultsTable(cases));
  print();
  for (const c of cases) {
    const ours = c.variants.ours;
    if (!ours?.phases) continue;
    const phases = Object.entries(ours.phases)
      .map(([k, v]) => {
        const cpu = ours.phaseCpu?.[k];
        return cpu === undefined ? `${k} ${v.toFixed(2)}` : `${k} ${v.toFixed(2)} (cpu ${cpu.toFixed(2)})`;
      })
      .join(", ");
    print(
      `${c.name} ours phases (s): ${phases}; encode ${fmt(ours.encodeFps, 1)} fps, ` +
        `${fmt(ours.encodeFramesPerCpuSecond, 1)} frames per CPU-second; captions rendered: ${ours.captionsRendered}`,
    );
  }
  print();
  print("Targets:");
  print(
    formatTable(
      ["target", "value", "limit", "pass"],
      goals.map((g) => [g.target, g.value, g.limit, g.pass === null ? "-" : g.pass ? "yes" : "NO"]),
    ),
  );
  if (measured) {
    print();
    print(
      "Lambda model (ESTIMATES from the measured speeds above and LAMBDA_ASSUMPTIONS in bench/lambda-model.ts):",
    );
    print(formatLambdaTable(lambda));
  }
  const report = {
    machine,
    options: { quick, repeat: repeatOverride ?? null, cases: selected.map((c) => c.name) },
    cases,
    targets: goals,
    measured: measured ?? null,
    lambda: lambda.map((r) => ({
      videoSeconds: r.videoSeconds,
      memoryMb: r.memoryMb,
      vcpus: round(r.vcpus, 2),
      segments: r.segments,
      encodeSeconds: round(r.encodeSeconds, 1),
      wallSeconds: round(r.wallSeconds, 1),
      costUsd: round(r.costUsd, 5),
    })),
    benchSeconds: round((performance.now() - started) / 1000, 1),
  };
  await writeFile(join(CACHE, "last.json"), `${JSON.stringify(report, null, 2)}\n`);
  print();
  print(`bench took ${report.benchSeconds} s; figures in .cache/bench/last.json`);
  if (opts.json) print(JSON.stringify(report));
}

await main();
