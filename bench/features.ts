/**
 * Benchmark: what each feature of the request format costs per second of video, against the same
 * project without it, measured in the same run. Every variant is planned by the real planner and
 * run through the worker's own steps (scene segments, soundtrack mix with loudness, assembly,
 * previews); ffmpeg runs under /usr/bin/time, so CPU seconds are counted as well as wall time.
 * Not a test; see bench/README.md.
 *
 *   npx tsx bench/features.ts [--repeat 3] [--seconds 6] [--resolution 1280x720] [--json]
 *                             [--only transition,two-scenes]   (these variants and their baselines)
 */
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { buildRenderPlan } from "../functions/core/plan/build-render-plan.js";
import { parseProjectRequest } from "../functions/core/schema/parse-project-request.js";
import { mixSoundtrack } from "../functions/render/pipeline/mix-soundtrack.js";
import { probeSources } from "../functions/render/pipeline/probe-media.js";
import { runFfmpeg } from "../functions/render/pipeline/run-ffmpeg.js";
import { generatePhoto, generateSpeech, generateTone, generateVideo } from "../local/generate-media.js";
import { median } from "./bench-env.js";

const { values: opts } = parseArgs({
  options: {
    repeat: { type: "string", default: "3" },
    seconds: { type: "string", default: "6" },
    resolution: { type: "string", default: "1280x720" },
    json: { type: "boolean", default: false },
    only: { type: "string" },
  },
});
const REPEAT = Number(opts.repeat);
const SECONDS = Number(opts.seconds);
const [WIDTH, HEIGHT] = (opts.resolution ?? "1280x720").split("x").map(Number) as [number, number];
const TIME_BIN = "/usr/bin/time";
const dir = join(tmpdir(), "videocraft-bench-features");
const media = (name: string) => join(dir, "media", name);
const src = (name: string) => pathToFileURL(media(name)).href;

const TEXTS = [
  {
    type: "text",
    text: "Meet the Keeper",
    position: "center-top",
    "font-size": Math.round(HEIGHT * 0.08),
    "box-color": "#101820CC",
    "box-radius": 20,
    animation: { in: "pop", out: "fade" },
  },
  {
    type: "text",
    text: "Steel walls\nLeak-proof lid",
    position: "left-center",
    animation: { in: "slide-up" },
  },
  { type: "text", text: "Order today", position: "center-bottom", animation: { in: "typewriter" } },
];

/** The project every variant changes one thing of: a full-frame picture, narration, music. */
function project(change: {
  picture?: Record<string, unknown>;
  music?: Record<string, unknown>;
  extra?: unknown[];
  root?: Record<string, unknown>;
  /** Two scenes of half the length each (a moving still in each), with this transition into the second. */
  split?: { transition?: Record<string, unknown> };
}) {
  const scene = (duration: number, picture: Record<string, unknown> | undefined) => ({
    duration,
    elements: [
      { type: "image", src: src("photo.png"), ...picture },
      { type: "audio", src: src("speech.wav"), start: 0.5 },
      ...(change.extra ?? []),
    ],
  });
  const zoom = { animation: { type: "zoom-in", zoom: 1.2 } };
  return {
    width: WIDTH,
    height: HEIGHT,
    fps: 30,
    elements: [{ type: "audio", src: src("music.wav"), volume: 0.4, ...change.music }],
    scenes: change.split
      ? [
          scene(SECONDS / 2, zoom),
          {
            ...scene(SECONDS / 2, zoom),
            ...(change.split.transition ? { transition: change.split.transition } : {}),
          },
        ]
      : [scene(SECONDS, change.picture)],
    ...change.root,
  };
}

interface Variant {
  name: string;
  /** The variant it is compared with. */
  baseline: string;
  what: string;
  request: unknown;
}

const VARIANTS: Variant[] = [
  { name: "base", baseline: "base", what: "a still, narration, music", request: project({}) },
  {
    name: "text",
    baseline: "base",
    what: "+ 3 animated text elements (box, pop, slide, typewriter)",
    request: project({ extra: TEXTS }),
  },
  {
    name: "motion-still",
    baseline: "base",
    what: "+ Ken Burns zoom on the still (ease-in-out)",
    request: project({ picture: { animation: { type: "zoom-in", zoom: 1.2, easing: "ease-in-out" } } }),
  },
  {
    name: "video",
    baseline: "video",
    what: "a looping clip instead of the still",
    request: project({ picture: { type: "video", src: src("clip.mp4") } }),
  },
  {
    name: "motion-video",
    baseline: "video",
    what: "+ pan over the clip",
    request: project({ picture: { type: "video", src: src("clip.mp4"), animation: { type: "pan-right" } } }),
  },
  {
    name: "two-scenes",
    baseline: "two-scenes",
    what: "two scenes of half the length, a Ken Burns zoom in each",
    request: project({ split: {} }),
  },
  {
    name: "transition",
    baseline: "two-scenes",
    what: "+ a 0.5 s crossfade between them (its own segment)",
    request: project({ split: { transition: { type: "crossfade", duration: 0.5 } } }),
  },
  {
    name: "ducking",
    baseline: "base",
    what: "+ music ducked under the narration",
    request: project({ music: { ducking: true } }),
  },
  {
    name: "loudness",
    baseline: "base",
    what: "+ loudness -14 LUFS (two passes)",
    request: project({ root: { loudness: -14 } }),
  },
  {
    name: "gif",
    baseline: "base",
    what: "+ GIF preview (3 s, 480 px)",
    request: project({ root: { output: { gif_preview: true } } }),
  },
];

/** `--only`'s variants and the baselines they are compared with; every variant without it. */
function chosen(): Variant[] {
  if (!opts.only) return VARIANTS;
  const names = new Set(opts.only.split(","));
  for (const v of VARIANTS) if (names.has(v.name)) names.add(v.baseline);
  const picked = VARIANTS.filter((v) => names.has(v.name));
  if (picked.length === 0) throw new Error(`--only: no variant named ${opts.only}`);
  return picked;
}

async function makeInputs(): Promise<void> {
  await mkdir(join(dir, "media"), { recursive: true });
  await Promise.all([
    generatePhoto(media("photo.png"), { width: 2400, height: 1600, from: "#1d3557", to: "#e63946" }),
    generateVideo(media("clip.mp4"), { seconds: 4, width: 1280, height: 720, fps: 30 }),
    generateTone(media("music.wav"), { seconds: 8, hz: 220, volume: 0.4 }),
    generateSpeech(
      media("speech.wav"),
      "Every feature is measured against the same project without it, in the same run, on this machine.",
    ),
  ]);
}

interface Cost {
  wall: number;
  cpu: number;
}

/** Runs a variant's whole render as the worker does; wall and ffmpeg CPU seconds. */
async function render(v: Variant, run: number): Promise<Cost> {
  const work = join(dir, "work", `${v.name}-${run}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const timeFile = join(work, "times.txt");
  const wrapper = join(work, "ffmpeg-timed.sh");
  await writeFile(wrapper, `#!/bin/sh\nexec ${TIME_BIN} -a -o '${timeFile}' -f '%U %S' ffmpeg "$@"\n`);
  await chmod(wrapper, 0o755);
  const parsed = parseProjectRequest(v.request, { maxProjects: 1 });
  if (!parsed.ok) throw new Error(`${v.name}: ${JSON.stringify(parsed.issues)}`);
  const project = parsed.projects[0]!;
  const paths = new Map<string, string>();
  for (const el of [...project.elements, ...project.scenes.flatMap((s) => s.elements)]) {
    if ("src" in el) paths.set(el.src, new URL(el.src).pathname);
  }
  const sources = await probeSources(paths, { ffprobePath: "ffprobe", maxPixels: 8192 * 8192 });
  const plan = buildRenderPlan(project, sources, { workDir: work, encoder: { preset: "veryfast", crf: 23 } });
  const options = { ffmpegPath: wrapper, timeoutMs: 30 * 60_000 };
  const t0 = performance.now();
  for (const segment of plan.segments) await runFfmpeg(segment.command, options);
  await mixSoundtrack(plan, options);
  await runFfmpeg(plan.assemble, options);
  if (plan.posterWanted) await runFfmpeg(plan.poster, options);
  if (plan.gifPreview) await runFfmpeg(plan.gifPreview, options);
  const wall = (performance.now() - t0) / 1000;
  const cpu = (await readFile(timeFile, "utf8"))
    .trim()
    .split("\n")
    .map((line) => line.split(" ").map(Number))
    .reduce((sum, [user = 0, sys = 0]) => sum + user + sys, 0);
  return { wall, cpu };
}

async function main(): Promise<void> {
  await makeInputs();
  const variants = chosen();
  const runs = new Map<string, Cost[]>(variants.map((v) => [v.name, []]));
  for (let r = 0; r < REPEAT; r++) {
    // Alternate the order so load from other processes falls on every variant alike.
    const order = r % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) runs.get(v.name)?.push(await render(v, r));
  }
  const result = variants.map((v) => {
    const costs = runs.get(v.name) ?? [];
    const base = runs.get(v.baseline) ?? [];
    const wall = median(costs.map((c) => c.wall));
    const cpu = median(costs.map((c) => c.cpu));
    return {
      name: v.name,
      what: v.what,
      baseline: v.baseline,
      wallPerVideoSecond: wall / SECONDS,
      cpuPerVideoSecond: cpu / SECONDS,
      wallRatio: wall / median(base.map((c) => c.wall)),
      cpuRatio: cpu / median(base.map((c) => c.cpu)),
    };
  });
  console.log(
    `Feature costs: ${WIDTH}x${HEIGHT}, 30 fps, ${SECONDS} s, veryfast CRF 23, median of ${REPEAT}; ` +
      `${cpus().length} CPUs (${cpus()[0]?.model ?? "?"})`,
  );
  console.log("variant        wall s/video s  cpu s/video s  wall ratio  cpu ratio  vs        what");
  for (const r of result) {
    console.log(
      `${r.name.padEnd(14)} ${r.wallPerVideoSecond.toFixed(3).padStart(14)} ${r.cpuPerVideoSecond.toFixed(3).padStart(14)} ` +
        `${r.wallRatio.toFixed(2).padStart(10)} ${r.cpuRatio.toFixed(2).padStart(10)}  ${r.baseline.padEnd(9)} ${r.what}`,
    );
  }
  if (opts.json)
    console.log(JSON.stringify({ width: WIDTH, height: HEIGHT, seconds: SECONDS, repeat: REPEAT, result }));
}

await main();
