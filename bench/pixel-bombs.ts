/**
 * Benchmark: peak memory of one scene's ffmpeg command for the decoded-pixel bombs a request can
 * build from small files. Each case is planned by the real planner from probed sources, then its
 * segment command runs under /usr/bin/time, which reports ffmpeg's peak RSS. Not a test; see
 * bench/README.md.
 *
 *   npx tsx bench/pixel-bombs.ts [--json] [--cases images,images-sized,videos]
 */
import { execFile } from "node:child_process";
import { chmod, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs, promisify } from "node:util";
import { buildRenderPlan } from "../functions/core/plan/build-render-plan.js";
import { parseProjectRequest } from "../functions/core/schema/parse-project-request.js";
import { probeSources } from "../functions/render/pipeline/probe-media.js";
import { runFfmpeg } from "../functions/render/pipeline/run-ffmpeg.js";
import { generateImage, generateVideo } from "../local/generate-media.js";

const exec = promisify(execFile);
const { values: opts } = parseArgs({
  options: { json: { type: "boolean", default: false }, cases: { type: "string" } },
});

const TIME_BIN = "/usr/bin/time";
const dir = join(tmpdir(), "videocraft-bench-pixel-bombs");
const png = join(dir, "big-4000.png");
const uhd = join(dir, "uhd-2160p.mp4");

interface Case {
  name: string;
  what: string;
  request: () => unknown;
}

const src = (path: string) => pathToFileURL(path).href;
/** One scene lasting one frame, in draft quality (the cheapest encoder: what remains is the decoding). */
const oneFrame = (resolution: string, elements: unknown[]) => ({
  resolution,
  fps: 30,
  quality: "draft",
  scenes: [{ duration: 1 / 30, elements }],
});
const CASES: Case[] = [
  {
    name: "images",
    what: "40 image elements of one 4000×4000 PNG, natural size, 1920×1080 output",
    request: () =>
      oneFrame(
        "1920x1080",
        Array.from({ length: 40 }, (_, i) => ({ type: "image", src: src(png), x: i, y: i })),
      ),
  },
  {
    name: "images-sized",
    what: "40 image elements of one 4000×4000 PNG, each 400×400, 1920×1080 output",
    request: () =>
      oneFrame(
        "1920x1080",
        Array.from({ length: 40 }, (_, i) => ({
          type: "image",
          src: src(png),
          x: i * 30,
          y: i * 10,
          width: 400,
          height: 400,
        })),
      ),
  },
  {
    name: "videos",
    what: "100 full-frame 3840×2160 video elements of one clip, 3840×2160 output, one frame",
    request: () =>
      oneFrame(
        "3840x2160",
        Array.from({ length: 100 }, () => ({ type: "video", src: src(uhd) })),
      ),
  },
];

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function inputs(): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (!(await exists(png))) await generateImage(png, { width: 4000, height: 4000, color: "#3366cc" });
  if (!(await exists(uhd))) await generateVideo(uhd, { seconds: 1, width: 3840, height: 2160, fps: 30 });
}

interface Measured {
  peakRssMb: number;
  /** The planner's estimate, which VIDEOCRAFT_FFMPEG_MAX_MEMORY is checked against. */
  estimateMb: number;
  seconds: number;
  inputs: number;
}

async function measure(c: Case): Promise<Measured> {
  const parsed = parseProjectRequest(c.request(), { maxProjects: 1 });
  if (!parsed.ok) throw new Error(`${c.name}: ${JSON.stringify(parsed.issues)}`);
  const [project] = parsed.projects;
  if (!project) throw new Error("no project");
  const local = new Map<string, string>();
  for (const scene of project.scenes)
    for (const el of scene.elements) if ("src" in el) local.set(el.src, new URL(el.src).pathname);
  const sources = await probeSources(local, { ffprobePath: "ffprobe" });
  const work = join(dir, `work-${c.name}`);
  await mkdir(work, { recursive: true });
  const plan = buildRenderPlan(project, sources, {
    workDir: work,
    encoder: { preset: "ultrafast", crf: 28 },
  });
  const command = plan.scenes[0]?.command;
  if (!command) throw new Error("no scene");
  const timeFile = join(dir, `time-${c.name}.txt`);
  const wrapper = join(dir, "ffmpeg-timed.sh");
  await writeFile(wrapper, `#!/bin/sh\nexec ${TIME_BIN} -f '%M %e' -o '${timeFile}' ffmpeg "$@"\n`);
  await chmod(wrapper, 0o755);
  await runFfmpeg(command, { ffmpegPath: wrapper, timeoutMs: 10 * 60 * 1000 });
  const line = (await readFile(timeFile, "utf8")).trim().split("\n").at(-1) ?? "";
  const m = /^(\d+) ([\d.]+)$/.exec(line);
  if (!m) throw new Error(`unreadable /usr/bin/time output: ${line}`);
  return {
    peakRssMb: Math.round(Number(m[1]) / 1024),
    estimateMb: Math.round((plan.scenes[0]?.memory.bytes ?? 0) / 1024 ** 2),
    seconds: Number(m[2]),
    inputs: command.args.filter((a) => a === "-i").length - 1,
  };
}

async function main(): Promise<void> {
  await exec(TIME_BIN, ["-f", "%M", "true"]).catch(() => {
    throw new Error("/usr/bin/time is needed (Debian package `time`)");
  });
  await inputs();
  const wanted = opts.cases?.split(",");
  const results: Record<string, Measured> = {};
  console.log(
    "| case | what | ffmpeg inputs | peak RSS (MiB) | estimate (MiB) | seconds |\n|---|---|---|---|---|---|",
  );
  for (const c of CASES) {
    if (wanted && !wanted.includes(c.name)) continue;
    const r = await measure(c);
    results[c.name] = r;
    console.log(`| ${c.name} | ${c.what} | ${r.inputs} | ${r.peakRssMb} | ${r.estimateMb} | ${r.seconds} |`);
  }
  if (opts.json) console.log(JSON.stringify(results));
  for (const c of CASES) await rm(join(dir, `work-${c.name}`), { recursive: true, force: true });
}

await main();
