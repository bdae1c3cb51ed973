/**
 * Benchmark: our render plan against VideoCraft's own ffmpeg plan on the same generated inputs,
 * interleaved in one run so machine load hits both alike; quality measured against lossless
 * renders; each lever of the plan measured on its own; a `-threads` sweep; a 10-minute scene
 * rendered in chunks on the local stack; the Lambda model fed with all of it. Not a test; see
 * bench/README.md.
 *
 *   npx tsx bench/run.ts [--quick] [--json] [--repeat N] [--cases 30s,2min,10s] [--skip-long] [--skip-levers]
 */
import { stat, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CACHE, exec, log, OUT, round } from "./bench-env.js";
import { type CaseReport, type CaseSpec, runCase } from "./case-run.js";
import { ffmpegMeter, ffmpegStartSeconds } from "./ffmpeg-usage.js";
import { fmt, formatTable } from "./format-table.js";
import { caseInputs } from "./inputs.js";
import { formatLambdaTable, LAMBDA_ASSUMPTIONS, lambdaTable, type MeasuredSpeeds } from "./lambda-model.js";
import { type LeverReport, measureLevers } from "./levers.js";
import { type LongChunkedReport, renderLongChunked } from "./long-chunked.js";
import { targets } from "./targets.js";
import { type ThreadsSweep, threadsSweep } from "./threads-sweep.js";
import type { Variant } from "./variant.js";

const { values: opts } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    repeat: { type: "string" },
    cases: { type: "string" },
    "skip-long": { type: "boolean", default: false },
    "skip-levers": { type: "boolean", default: false },
  },
});
const quick = opts.quick ?? false;
const repeatOverride = opts.repeat === undefined ? undefined : Math.max(1, Number(opts.repeat) || 1);

const REFERENCES: Variant[] = [
  { name: "baseline-lossless", side: "baseline", captions: true, reference: true },
  { name: "ours-lossless", side: "ours", reference: true },
];
const v = {
  baseline: { name: "baseline-ass", side: "baseline", captions: true },
  baselineVeryfast: { name: "baseline-veryfast-ass", side: "baseline", captions: true, preset: "veryfast" },
  ours: { name: "ours", side: "ours" },
  draft: { name: "ours-draft", side: "ours", draft: true },
  crf: (crf: number): Variant => ({ name: `ours-crf${crf}`, side: "ours", crf }),
  preset: (preset: string): Variant => ({ name: `ours-${preset}`, side: "ours", preset }),
} satisfies Record<string, Variant | ((x: never) => Variant)>;

const CASES: CaseSpec[] = quick
  ? [
      {
        name: "10s",
        scenes: 2,
        targetSeconds: 10,
        variants: [...REFERENCES, v.baseline, v.ours, v.baselineVeryfast, v.draft, v.crf(22), v.crf(21)],
        repeat: 1,
        fair: "baseline-ass",
      },
    ]
  : [
      {
        name: "30s",
        scenes: 2,
        targetSeconds: 30,
        variants: [
          ...REFERENCES,
          v.baseline,
          v.ours,
          v.baselineVeryfast,
          v.draft,
          v.crf(22),
          v.crf(21),
          v.crf(20),
        ],
        repeat: 2,
        fair: "baseline-ass",
      },
      {
        name: "2min",
        scenes: 3,
        targetSeconds: 120,
        variants: [...REFERENCES, v.baseline, v.ours, v.draft, v.crf(21), v.crf(20)],
        repeat: 1,
        fair: "baseline-ass",
      },
      // The preset sweep reuses the 10 s inputs: same content, a third of the time.
      {
        name: "10s",
        scenes: 2,
        targetSeconds: 10,
        variants: [
          ...REFERENCES,
          v.baseline,
          v.ours,
          v.preset("medium"),
          v.preset("faster"),
          v.preset("superfast"),
        ],
        repeat: 1,
        fair: "baseline-ass",
      },
    ];
const selected = opts.cases ? CASES.filter((c) => opts.cases?.split(",").includes(c.name)) : CASES;

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
    "picture SSIM",
    "picture PSNR",
    "captions SSIM",
    "captions PSNR",
    "load",
  ];
  const body: string[][] = [];
  for (const c of cases) {
    for (const [name, r] of Object.entries(c.variants)) {
      const mark =
        name === c.fairBaseline ? " *" : name === c.equalQuality ? " =" : r.reference ? " (ref)" : "";
      body.push([
        `${c.name} (${c.scenes} sc, ${c.videoSeconds.toFixed(1)} s)`,
        `${name}${mark}`,
        r.runs.map((s) => s.toFixed(1)).join("/"),
        fmt(r.ratio),
        fmt(r.cpuSeconds, 1),
        fmt(r.cpuRatio),
        fmt(r.ffmpegPeakRssMb, 0),
        r.side === "ours" ? fmt(r.nodeRssMb, 0) : "-",
        (r.bytes / 1e6).toFixed(2),
        fmt(r.sizeRatio),
        fmt(r.quality?.picture.ssim, 5),
        fmt(r.quality?.picture.psnr, 2),
        fmt(r.quality?.captions.ssim, 5),
        fmt(r.quality?.captions.psnr, 2),
        fmt(r.load1, 1),
      ]);
    }
  }
  return formatTable(head, body);
}

function leversTable(levers: readonly LeverReport[]): string {
  const rows = levers.flatMap((l) =>
    l.rows.map((r) => [
      l.lever,
      r.variant,
      fmt(r.cpuSeconds),
      fmt(r.wallSeconds),
      fmt(r.ffmpegPeakRssMb, 0),
      r.bytes === null ? "-" : (r.bytes / 1e6).toFixed(3),
      fmt(r.pictureSsim, 5),
      fmt(r.picturePsnr),
      Object.entries(r.extra)
        .map(([k, x]) => `${k} ${x}`)
        .join(", "),
    ]),
  );
  return formatTable(
    ["lever", "variant", "cpu s", "wall s", "RSS MB", "size MB", "picture SSIM", "PSNR", "more"],
    rows,
  );
}

/** The model's inputs from the longest case's `ours`, the sweep and the start-up measurement. */
async function measuredSpeeds(
  cases: readonly CaseReport[],
  sweep: ThreadsSweep,
  startSeconds: number,
  threads: number,
): Promise<MeasuredSpeeds | undefined> {
  const c = [...cases].sort((a, b) => b.videoSeconds - a.videoSeconds).find((x) => x.variants.ours?.phases);
  const ours = c?.variants.ours;
  if (!c || !ours?.phases || !ours.encodeFramesPerCpuSecond) return undefined;
  const cpu = (key: string) => ours.phaseCpu?.[key] ?? ours.phases?.[key] ?? 0;
  const atThreads = sweep.rows.find((r) => r.threads === threads)?.cpuPerFrame ?? 1;
  const inputs = await caseInputs(c.name, c.scenes, c.name === "2min" ? 120 : c.name === "30s" ? 30 : 10);
  const files = [inputs.background.path, ...inputs.images, ...inputs.narration.map((n) => n.path)];
  const sourceBytes = (await Promise.all(files.map((f) => stat(f)))).reduce((s, x) => s + x.size, 0);
  return {
    encodeFramesPerCpuSecond: ours.encodeFramesPerCpuSecond,
    encodeCpuPerFrameAtThreads: atThreads,
    threadSpeedup: sweep.rows
      .filter((r) => r.threads <= sweep.cores)
      .map((r) => ({ threads: r.threads, speedup: r.speedup })),
    processStartSeconds: round(startSeconds) ?? 0,
    audioSecondsPerVideoSecond: round(Math.max(0, cpu("audio") - startSeconds) / c.videoSeconds, 5) ?? 0,
    assembleSecondsPerVideoSecond:
      round(Math.max(0, cpu("assemble") - startSeconds) / c.videoSeconds, 5) ?? 0,
    posterSeconds: round(cpu("poster")) ?? 0,
    outputBytesPerVideoSecond: Math.round(ours.bytes / c.videoSeconds),
    prepareSeconds:
      round(["fetch", "probe", "timings", "plan"].reduce((s, k) => s + (ours.phases?.[k] ?? 0), 0)) ?? 0,
    sourceBytes,
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  const meter = await ffmpegMeter();
  const ffmpegVersion = (await exec("ffmpeg", ["-version"])).stdout.split("\n")[0] ?? "";
  const loadStart = loadavg().map((x) => round(x, 2) ?? 0);
  const cases: CaseReport[] = [];
  for (const spec of selected) {
    const report = await runCase(spec, meter, repeatOverride);
    cases.push(report);
    // Printed as each case ends, so a long run that is interrupted still leaves its figures.
    log(`case ${spec.name} done:\n${resultsTable([report])}`);
  }
  const failures: { stage: string; error: string }[] = [];
  /** A stage that fails is reported and left out; the figures of the others still come out. */
  const stage = async <T>(name: string, run: () => Promise<T>, otherwise: T): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      log(`${name} failed: ${(e as Error).stack ?? e}`);
      failures.push({ stage: name, error: (e as Error).message });
      return otherwise;
    }
  };
  const levers = quick || opts["skip-levers"] ? [] : await stage("levers", () => measureLevers(meter), []);
  log("threads sweep");
  const noSweep = { cores: cpus().length, frames: 0, rows: [] };
  const sweep = await stage("threads sweep", () => threadsSweep(quick ? 1 : 3), noSweep);
  const long: LongChunkedReport | undefined =
    quick || opts["skip-long"] ? undefined : await stage("long render", () => renderLongChunked(), undefined);
  const threads = cpus().length;
  const measured = await measuredSpeeds(cases, sweep, await ffmpegStartSeconds(meter), threads);
  const lambda = measured ? lambdaTable(measured) : [];
  const goals = targets(cases, levers, long, lambda);
  const machine = {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    ffmpeg: ffmpegVersion,
    node: process.version,
    loadavgStart: loadStart,
    loadavgEnd: loadavg().map((x) => round(x, 2) ?? 0),
    benchNodeMaxRssMb: round(process.resourceUsage().maxRSS / 1024, 1),
  };

  const print = (s = "") => process.stdout.write(`${s}\n`);
  print(`machine: ${machine.nproc} × ${machine.cpuModel}; ${ffmpegVersion}; node ${process.version}`);
  print(`load average at start ${loadStart.join(" ")}, at end ${machine.loadavgEnd.join(" ")}`);
  print(
    "seconds: each run, median used; ratios: variant / the baseline marked * (same case); = marks ours at equal quality",
  );
  print(
    "quality: SSIM / PSNR of each render against the lossless render of its own plan, picture and caption rows apart",
  );
  print();
  print(resultsTable(cases));
  if (levers.length > 0) {
    print();
    print("Levers (10 s case, each against ours with that one choice undone):");
    print(leversTable(levers));
  }
  print();
  print(
    `Threads sweep (${sweep.frames} frames of 1080p30 veryfast, pinned to min(threads, ${sweep.cores}) cores):`,
  );
  print(
    formatTable(
      ["threads", "cores", "wall s", "cpu s", "fps", "speed-up", "cpu per frame ×", "load"],
      sweep.rows.map((r) =>
        [
          r.threads,
          r.cores,
          r.wallSeconds,
          r.cpuSeconds,
          r.framesPerSecond,
          r.speedup,
          r.cpuPerFrame,
          r.load1,
        ].map(String),
      ),
    ),
  );
  if (long) {
    print();
    print(
      `10-minute single scene, 1080p30, chunked on the local stack (${long.workers} workers): ${long.wallSeconds} s, ` +
        `${long.segments?.total} parts, ${long.frames}/${long.expectedFrames} frames, A/V offset ${long.avOffsetSeconds} s, ` +
        `${(long.bytes / 1e6).toFixed(1)} MB, load ${long.load1End}`,
    );
  }
  if (measured) {
    print();
    print(
      "Lambda model (ESTIMATES, each [favourable–unfavourable end]; inputs measured above, assumptions in bench/lambda-model.ts):",
    );
    print(formatLambdaTable(lambda));
  }
  print();
  print("Targets:");
  print(
    formatTable(
      ["item", "target", "value", "limit", "pass"],
      goals.map((g) => [g.item, g.target, g.value, g.limit, g.pass === null ? "-" : g.pass ? "yes" : "NO"]),
    ),
  );
  const report = {
    machine,
    options: {
      quick,
      repeat: repeatOverride ?? null,
      cases: selected.map((c) => c.name),
      long: long !== undefined,
    },
    cases,
    levers,
    threadsSweep: sweep,
    long: long ?? null,
    measured: measured ?? null,
    assumptions: LAMBDA_ASSUMPTIONS,
    lambda,
    targets: goals,
    failures,
    benchSeconds: round((performance.now() - started) / 1000, 1),
  };
  await writeFile(join(CACHE, "last.json"), `${JSON.stringify(report, null, 2)}\n`);
  for (const f of failures) print(`STAGE FAILED: ${f.stage}: ${f.error}`);
  print();
  print(`bench took ${report.benchSeconds} s; figures in .cache/bench/last.json; outputs in ${OUT}`);
  if (opts.json) print(JSON.stringify(report));
}

await main();
