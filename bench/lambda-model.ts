/**
 * Wall time and cost of a render on AWS Lambda, from speeds `bench/run.ts` measures here. Only
 * the local speeds are measured; Lambda's CPU speed, start-up, queue hops, S3 throughput and
 * speech recognition are assumptions, each a range (LAMBDA_ASSUMPTIONS), and every estimate is
 * printed as [low, high]: the low end takes every assumption at its favourable end, the high end
 * at its unfavourable one.
 *
 * The stages follow the worker: a coordinator (fetch, probe, plan, speech recognition, upload of
 * the sources the parts read, hand-out, soundtrack mix beside the parts), the parts (scenes, and
 * chunks of scenes longer than the chunk length, as core/jobs/chunk-length.ts sizes them) on at
 * most `maxConcurrency` functions at once (the render queue's event-source limit), and one
 * assembler (downloads, concat, poster, upload). vCPU scaling comes from the measured
 * `-threads N` sweep.
 *
 * Run on its own: `npx tsx bench/lambda-model.ts` prints the table again from
 * `.cache/bench/last.json`.
 */

import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { loadConfig } from "../functions/core/config.js";
import { chunkFramesFor } from "../functions/core/jobs/chunk-length.js";
import { chunkRanges } from "../functions/core/plan/chunk-ranges.js";
import type { Project } from "../functions/core/schema/project.js";
import { fmt, formatTable } from "./format-table.js";

/** Lambda: 1,769 MB is one full vCPU; CPU share grows linearly with memory up to 6 vCPU at 10,240 MB. */
export const MB_PER_VCPU = 1769;
export const MAX_VCPU = 6;
export const MAX_MEMORY_MB = 10240;
/** x86, us-east-1 list price. */
export const PRICE_PER_GB_SECOND = 0.0000166667;
export const PRICE_PER_REQUEST = 0.0000002;

export function lambdaVcpus(memoryMb: number): number {
  return Math.min(MAX_VCPU, memoryMb / MB_PER_VCPU);
}

/** What the benchmark measured on this machine (CPU seconds, so load from other processes matters little). */
export interface MeasuredSpeeds {
  /** Output frames per CPU-second (user+sys) of our segment encodes, at the threads they ran with. */
  encodeFramesPerCpuSecond: number;
  /** CPU per frame at those threads over one thread's (the sweep): converts the above to one thread's speed. */
  encodeCpuPerFrameAtThreads: number;
  /** Speed-up of N threads over one, each pinned to N cores (the sweep). */
  threadSpeedup: { threads: number; speedup: number }[];
  /** Seconds to start a trivial ffmpeg process. */
  processStartSeconds: number;
  /** CPU seconds of the soundtrack mix per second of video (one thread). */
  audioSecondsPerVideoSecond: number;
  /** CPU seconds of `concat -c copy` + mux per second of video (one thread). */
  assembleSecondsPerVideoSecond: number;
  /** CPU seconds of the poster. */
  posterSeconds: number;
  /** Output bytes per second of video. */
  outputBytesPerVideoSecond: number;
  /** Wall seconds to fetch (local files), probe and plan the case. */
  prepareSeconds: number;
  /** Bytes of the case's sources (what the coordinator uploads for the parts and each part downloads). */
  sourceBytes: number;
}

/** A range: the favourable end first. */
export type Range = readonly [number, number];

export interface LambdaAssumptions {
  /** A Lambda vCPU's speed over one core of the measuring machine. */
  cpuSpeedFactor: Range;
  /** Per invocation: start (warm ↔ cold container image), reading the job and its plan. */
  invocationStartSeconds: Range;
  /** SQS → Lambda delivery of a message. */
  queueHopSeconds: Range;
  /** S3 throughput of one function, bytes per second. */
  s3BytesPerSecond: Range;
  /** Share of the last measured per-thread gain each vCPU beyond the sweep still adds. */
  speedupBeyondSweep: Range;
  /** whisper.cpp (base) seconds per second of narration on one vCPU: not measurable here (no real model). */
  transcribeSecondsPerSecond: Range;
  /** Parts running at once: the render queue's event-source maximum concurrency (stack default 10). */
  maxConcurrency: number;
}

export const LAMBDA_ASSUMPTIONS: LambdaAssumptions = {
  cpuSpeedFactor: [1.2, 0.8],
  invocationStartSeconds: [1, 5],
  queueHopSeconds: [0.05, 1],
  s3BytesPerSecond: [120 * 2 ** 20, 40 * 2 ** 20],
  speedupBeyondSweep: [1, 0.5],
  transcribeSecondsPerSecond: [0.05, 0.2],
  maxConcurrency: 10,
};

export interface LambdaScenario {
  videoSeconds: number;
  /** Equal scenes making up the video. */
  scenes: number;
  width: number;
  height: number;
  fps: number;
  memoryMb: number;
  /** Fan-out (scenes and chunks on their own functions) or the whole render in one. */
  fanout: boolean;
  /** Speech recognition of the whole narration on the coordinator. */
  transcribe?: boolean;
  /** Draft quality (x264 ultrafast) for the chunk length; the measured speed is the caller's. */
  draft?: boolean;
}

export interface LambdaEstimate extends LambdaScenario {
  vcpus: number;
  /** Parts encoded (scenes, or their chunks). */
  parts: number;
  invocations: number;
  /** Encode seconds of one part, [low, high]. */
  partEncodeSeconds: Range;
  wallSeconds: Range;
  costUsd: Range;
}

/** Speed-up of `vcpus` (fractional) over one, from the sweep, extended past it by `beyond`. */
export function speedupAt(vcpus: number, sweep: MeasuredSpeeds["threadSpeedup"], beyond: number): number {
  const points = [{ threads: 1, speedup: 1 }, ...sweep.filter((p) => p.threads > 1)].sort(
    (a, b) => a.threads - b.threads,
  );
  // Pinned to its cores, more threads than cores cannot say more: keep the rising part.
  const rising = points.filter((p, i) => i === 0 || p.speedup > (points[i - 1]?.speedup ?? 0));
  if (vcpus <= 1) return vcpus;
  for (let i = 1; i < rising.length; i++) {
    const a = rising[i - 1]!;
    const b = rising[i]!;
    if (vcpus <= b.threads)
      return a.speedup + ((b.speedup - a.speedup) * (vcpus - a.threads)) / (b.threads - a.threads);
  }
  const last = rising.at(-1)!;
  const before = rising.at(-2) ?? { threads: 0, speedup: 0 };
  const marginal = (last.speedup - before.speedup) / (last.threads - before.threads);
  return last.speedup + (vcpus - last.threads) * marginal * beyond;
}

/** The project shape chunk-length.ts needs (resolution, rate, draft). */
function projectShape(s: LambdaScenario): Project {
  return {
    width: s.width,
    height: s.height,
    fps: s.fps,
    draft: s.draft ?? false,
    elements: [],
    scenes: [],
  } as unknown as Project;
}

/** Parts of a fanned-out render: each scene, or its chunks at the automatic chunk length. */
export function partsOf(s: LambdaScenario): number[] {
  const config = loadConfig(
    {
      VIDEOCRAFT_BUCKET: "model",
      VIDEOCRAFT_QUEUE_URL: "http://localhost/q",
      VIDEOCRAFT_AUTH: "gateway",
      VIDEOCRAFT_RENDER_MEMORY_MB: String(s.memoryMb),
      VIDEOCRAFT_RENDER_MAX_CONCURRENCY: String(LAMBDA_ASSUMPTIONS.maxConcurrency),
      ...(s.fanout ? { VIDEOCRAFT_ASSEMBLY_QUEUE_URL: "http://localhost/a.fifo" } : {}),
    },
    { cores: Math.ceil(lambdaVcpus(s.memoryMb)) },
  );
  const sceneSeconds = Array.from({ length: s.scenes }, () => s.videoSeconds / s.scenes);
  const chunk = chunkFramesFor(projectShape(s), config, sceneSeconds);
  const sceneFrames = Math.round((s.videoSeconds / s.scenes) * s.fps);
  return Array.from({ length: s.scenes }, () => chunkRanges(sceneFrames, chunk).map((r) => r.frames)).flat();
}

/** When the last of `durations` ends, started `ready` seconds in, on `slots` functions at once. */
function finishOnSlots(durations: readonly number[], slots: number, freeAt: readonly number[]): number {
  const free = [...freeAt, ...Array.from({ length: Math.max(0, slots - freeAt.length) }, () => 0)].slice(
    0,
    slots,
  );
  let end = 0;
  for (const d of [...durations].sort((a, b) => b - a)) {
    free.sort((a, b) => a - b);
    const start = free[0] ?? 0;
    free[0] = start + d;
    end = Math.max(end, start + d);
  }
  return end;
}

/** One end of the range (`end` 0: favourable, 1: unfavourable). */
function estimateAt(
  s: LambdaScenario,
  m: MeasuredSpeeds,
  a: LambdaAssumptions,
  end: 0 | 1,
): { wall: number; billedSeconds: number; invocations: number; parts: number; partEncode: number } {
  const pick = (r: Range) => r[end];
  const vcpus = lambdaVcpus(s.memoryMb);
  const slow = vcpus < 1 ? 1 / vcpus : 1;
  const oneThreadFps = m.encodeFramesPerCpuSecond * m.encodeCpuPerFrameAtThreads * pick(a.cpuSpeedFactor);
  const fps = oneThreadFps * speedupAt(vcpus, m.threadSpeedup, pick(a.speedupBeyondSweep));
  const s3 = (bytes: number) => bytes / pick(a.s3BytesPerSecond);
  const start = pick(a.invocationStartSeconds);
  const hop = pick(a.queueHopSeconds);
  const serial = (cpuSeconds: number) => (cpuSeconds / pick(a.cpuSpeedFactor)) * slow;
  const videoBytes = m.outputBytesPerVideoSecond * s.videoSeconds;
  const transcribe = s.transcribe ? serial(pick(a.transcribeSecondsPerSecond) * s.videoSeconds) : 0;
  const mix = serial(m.processStartSeconds + m.audioSecondsPerVideoSecond * s.videoSeconds);
  const join = serial(2 * m.processStartSeconds + m.assembleSecondsPerVideoSecond * s.videoSeconds);
  const poster = serial(m.posterSeconds);
  const frames = s.videoSeconds * s.fps;
  if (!s.fanout) {
    // The mix runs beside the encodes, on the CPU x264 leaves; at one vCPU or less it adds its time.
    const encodeAndMix = frames / fps + (vcpus <= 1 ? mix : 0);
    const wall =
      start +
      s3(m.sourceBytes) +
      m.prepareSeconds +
      transcribe +
      encodeAndMix +
      Math.max(join, poster) +
      s3(videoBytes);
    return { wall, billedSeconds: wall, invocations: 1, parts: 1, partEncode: frames / fps };
  }
  const parts = partsOf(s);
  const partEncode = Math.max(...parts) / fps;
  // Coordinator: until the parts are on the queue, then the mix (it holds one slot meanwhile).
  const handOut = start + s3(m.sourceBytes) + m.prepareSeconds + transcribe + s3(m.sourceBytes);
  const audioBytes = (192_000 / 8) * s.videoSeconds;
  const coordinatorEnd = handOut + mix + s3(audioBytes);
  const partSeconds = parts.map((f) => start + s3(m.sourceBytes) + f / fps + s3((videoBytes * f) / frames));
  const slots = a.maxConcurrency;
  const partsEnd = handOut + hop + finishOnSlots(partSeconds, slots, [coordinatorEnd - handOut - hop]);
  const assembly = start + s3(videoBytes + audioBytes) + Math.max(join, poster) + s3(videoBytes);
  const wall = Math.max(partsEnd, coordinatorEnd) + hop + assembly;
  const billedSeconds = coordinatorEnd + partSeconds.reduce((x, y) => x + y, 0) + assembly;
  return { wall, billedSeconds, invocations: parts.length + 2, parts: parts.length, partEncode };
}

export function estimateLambda(
  s: LambdaScenario,
  m: MeasuredSpeeds,
  a: LambdaAssumptions = LAMBDA_ASSUMPTIONS,
): LambdaEstimate {
  const lo = estimateAt(s, m, a, 0);
  const hi = estimateAt(s, m, a, 1);
  const gb = s.memoryMb / 1024;
  const cost = (e: typeof lo) =>
    e.billedSeconds * gb * PRICE_PER_GB_SECOND + e.invocations * PRICE_PER_REQUEST;
  return {
    ...s,
    vcpus: lambdaVcpus(s.memoryMb),
    parts: hi.parts,
    invocations: hi.invocations,
    partEncodeSeconds: [lo.partEncode, hi.partEncode],
    wallSeconds: [lo.wall, hi.wall],
    costUsd: [cost(lo), cost(hi)],
  };
}

const HD = { width: 1920, height: 1080, fps: 30 };

/** The table the benchmark prints: 30 s / 2 min / 10 min at 1080p30, 3008 and 10240 MB. */
export function lambdaTable(m: MeasuredSpeeds, a = LAMBDA_ASSUMPTIONS): LambdaEstimate[] {
  const rows: LambdaEstimate[] = [];
  for (const videoSeconds of [30, 120, 600]) {
    for (const memoryMb of [3008, 10240]) {
      rows.push(estimateLambda({ ...HD, videoSeconds, scenes: 1, memoryMb, fanout: false }, m, a));
      rows.push(estimateLambda({ ...HD, videoSeconds, scenes: 8, memoryMb, fanout: true }, m, a));
      rows.push(estimateLambda({ ...HD, videoSeconds, scenes: 1, memoryMb, fanout: true }, m, a));
    }
  }
  rows.push(
    estimateLambda(
      { ...HD, videoSeconds: 600, scenes: 1, memoryMb: 3008, fanout: true, transcribe: true },
      m,
      a,
    ),
  );
  return rows;
}

const range = (r: Range, digits: number) => `${fmt(r[0], digits)}–${fmt(r[1], digits)}`;

export function formatLambdaTable(rows: readonly LambdaEstimate[]): string {
  const head = [
    "video",
    "scenes",
    "memory MB",
    "vCPU",
    "layout",
    "parts",
    "part encode s",
    "wall s",
    "cost $",
  ];
  const body = rows.map((r) => [
    r.videoSeconds >= 60 ? `${r.videoSeconds / 60} min` : `${r.videoSeconds} s`,
    String(r.scenes),
    String(r.memoryMb),
    r.vcpus.toFixed(2),
    r.fanout ? `fan-out${r.transcribe ? " + recognition" : ""}` : "one function",
    String(r.parts),
    range(r.partEncodeSeconds, 1),
    range(r.wallSeconds, 1),
    range(r.costUsd, 4),
  ]);
  return formatTable(head, body);
}

async function main(): Promise<void> {
  let measured: MeasuredSpeeds | undefined;
  try {
    measured = (JSON.parse(await readFile(".cache/bench/last.json", "utf8")) as { measured?: MeasuredSpeeds })
      .measured;
  } catch {
    measured = undefined;
  }
  if (!measured) {
    console.error("no measurements: run `npx tsx bench/run.ts` first");
    process.exitCode = 1;
    return;
  }
  console.log("measured:", JSON.stringify(measured));
  console.log("assumed: ", JSON.stringify(LAMBDA_ASSUMPTIONS));
  console.log(formatLambdaTable(lambdaTable(measured)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
