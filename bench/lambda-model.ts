/**
 * Wall-time and cost model of a render on AWS Lambda, fed with speeds measured by `bench/run.ts`.
 * Everything here is an ESTIMATE: only the local encode speed and the local audio/assemble costs
 * are measured; Lambda's CPU speed, start-up, queue hops and S3 throughput are assumptions, named
 * in `LAMBDA_ASSUMPTIONS` so they can be checked once the service runs on AWS.
 *
 * Pure and dependency-free, so it can move to functions/core for the `dry_run` estimate.
 *
 * Run on its own: `npx tsx bench/lambda-model.ts [--frames-per-cpu-second N]`; without the flag it
 * reads the figures of the last benchmark (`.cache/bench/last.json`).
 */

import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** Lambda: 1,769 MB is one full vCPU; CPU share grows linearly with memory up to 6 vCPU at 10,240 MB. */
export const MB_PER_VCPU = 1769;
export const MAX_VCPU = 6;
export const MAX_MEMORY_MB = 10240;
/** x86, us-east-1 list price. */
export const PRICE_PER_GB_SECOND = 0.0000166667;
export const PRICE_PER_REQUEST = 0.0000002;

export function lambdaVcpus(memoryMb: number): number {
  if (memoryMb >= MAX_MEMORY_MB) return MAX_VCPU;
  return Math.min(MAX_VCPU, memoryMb / MB_PER_VCPU);
}

/** What the benchmark measured on this machine (per CPU-second, so load from other processes matters little). */
export interface MeasuredSpeeds {
  /** Output frames encoded per CPU-second (user+sys of ffmpeg) by our segment commands at the chosen preset. */
  encodeFramesPerCpuSecond: number;
  /** Wall seconds to start a trivial ffmpeg process (paid by the audio mix, the assembly and the poster). */
  processStartSeconds: number;
  /** Wall seconds of the one audio mix per second of video, beyond the process start. */
  audioSecondsPerVideoSecond: number;
  /** Wall seconds of `concat -c copy` + mux + faststart + poster per second of video, beyond the process starts. */
  assembleSecondsPerVideoSecond: number;
  /** Output bytes per second of video (for the upload). */
  outputBytesPerVideoSecond: number;
  /** Wall seconds of probing the inputs and planning. */
  planSeconds: number;
}

/** Assumptions, not measurements. */
export interface LambdaAssumptions {
  /** Lambda vCPU speed relative to the benchmark machine's cores. */
  cpuSpeedFactor: number;
  /** Share of the extra vCPUs x264 turns into frames (threading is not perfectly linear). */
  threadEfficiency: number;
  /** Cold/warm start, reading the job, downloading its inputs, per invocation. */
  invocationStartSeconds: number;
  /** SQS → Lambda delivery of a task message (once to start segments, once to start assembly). */
  queueHopSeconds: number;
  /** S3 upload throughput from Lambda, bytes per second. */
  uploadBytesPerSecond: number;
}

export const LAMBDA_ASSUMPTIONS: LambdaAssumptions = {
  cpuSpeedFactor: 1,
  threadEfficiency: 0.85,
  invocationStartSeconds: 2,
  queueHopSeconds: 0.5,
  uploadBytesPerSecond: 80 * 1024 * 1024,
};

export interface LambdaScenario {
  videoSeconds: number;
  fps: number;
  memoryMb: number;
  /** 1 = the whole render in one function; N = N segment functions + one assembly. */
  segments: number;
  /**
   * Fan-out only: the audio mix runs as its own task beside the segments instead of inside the
   * assembly step. @default true
   */
  audioInParallel?: boolean;
}

export interface LambdaEstimate extends LambdaScenario {
  vcpus: number;
  invocations: number;
  /** Encode seconds of one segment function (the slowest; segments are equal here). */
  encodeSeconds: number;
  /** Assembly step (concat + mux + poster + upload, plus the audio mix unless it ran in parallel); 0 for a single function. */
  assemblySeconds: number;
  wallSeconds: number;
  billedGbSeconds: number;
  costUsd: number;
}

/**
 * Estimated wall time and cost of one render. A single function probes, encodes, mixes, assembles
 * and uploads in sequence. With fan-out, N functions each start and encode 1/N of the frames (and,
 * by default, one more mixes the audio meanwhile); the last finisher starts one assembly
 * invocation (concat, mux, poster, upload).
 */
export function estimateLambda(
  scenario: LambdaScenario,
  measured: MeasuredSpeeds,
  assumptions: LambdaAssumptions = LAMBDA_ASSUMPTIONS,
): LambdaEstimate {
  const { videoSeconds, fps, memoryMb } = scenario;
  const segments = Math.max(1, Math.floor(scenario.segments));
  const vcpus = lambdaVcpus(memoryMb);
  const effectiveCpus = Math.min(1, vcpus) + Math.max(0, vcpus - 1) * assumptions.threadEfficiency;
  const framesPerSecond = measured.encodeFramesPerCpuSecond * assumptions.cpuSpeedFactor * effectiveCpus;
  const frames = Math.ceil(videoSeconds * fps);
  const encodeSeconds = Math.ceil(frames / segments) / framesPerSecond;
  const start = assumptions.invocationStartSeconds + measured.planSeconds;
  // Audio and concat are single-threaded-ish work; they do not speed up with more vCPU, except
  // that below one vCPU Lambda throttles them too.
  const slowdown = vcpus < 1 ? 1 / vcpus : 1;
  const audio = measured.processStartSeconds + measured.audioSecondsPerVideoSecond * videoSeconds * slowdown;
  const assemble =
    2 * measured.processStartSeconds +
    measured.assembleSecondsPerVideoSecond * videoSeconds * slowdown +
    (measured.outputBytesPerVideoSecond * videoSeconds) / assumptions.uploadBytesPerSecond;
  const gb = memoryMb / 1024;
  if (segments === 1) {
    const wall = start + encodeSeconds + audio + assemble;
    return {
      ...scenario,
      segments,
      vcpus,
      invocations: 1,
      encodeSeconds,
      assemblySeconds: 0,
      wallSeconds: wall,
      billedGbSeconds: gb * wall,
      costUsd: gb * wall * PRICE_PER_GB_SECOND + PRICE_PER_REQUEST,
    };
  }
  const parallelAudio = scenario.audioInParallel ?? true;
  const segmentWall = start + encodeSeconds;
  const audioWall = assumptions.invocationStartSeconds + audio;
  const assemblySeconds = assumptions.invocationStartSeconds + assemble + (parallelAudio ? 0 : audio);
  const firstStage = parallelAudio ? Math.max(segmentWall, audioWall) : segmentWall;
  const wall = assumptions.queueHopSeconds + firstStage + assumptions.queueHopSeconds + assemblySeconds;
  const invocations = segments + 1 + (parallelAudio ? 1 : 0);
  const billed = gb * (segments * segmentWall + assemblySeconds + (parallelAudio ? audioWall : 0));
  return {
    ...scenario,
    segments,
    vcpus,
    invocations,
    encodeSeconds,
    assemblySeconds,
    wallSeconds: wall,
    billedGbSeconds: billed,
    costUsd: billed * PRICE_PER_GB_SECOND + invocations * PRICE_PER_REQUEST,
  };
}

/** The table the benchmark prints: 30 s / 2 min / 10 min at 1080p30, 3008 and 10240 MB, 1 and 8 functions. */
export function lambdaTable(measured: MeasuredSpeeds, assumptions = LAMBDA_ASSUMPTIONS): LambdaEstimate[] {
  const rows: LambdaEstimate[] = [];
  for (const videoSeconds of [30, 120, 600]) {
    for (const memoryMb of [3008, 10240]) {
      for (const segments of [1, 8]) {
        rows.push(estimateLambda({ videoSeconds, fps: 30, memoryMb, segments }, measured, assumptions));
      }
    }
  }
  return rows;
}

export function formatLambdaTable(rows: readonly LambdaEstimate[]): string {
  const head = ["video", "memory MB", "vCPU", "functions", "encode s", "wall s (est.)", "cost $ (est.)"];
  const body = rows.map((r) => [
    r.videoSeconds >= 60 ? `${r.videoSeconds / 60} min` : `${r.videoSeconds} s`,
    String(r.memoryMb),
    r.vcpus.toFixed(2),
    r.segments === 1 ? "1" : `${r.segments} + ${r.invocations - r.segments}`,
    r.encodeSeconds.toFixed(1),
    r.wallSeconds.toFixed(1),
    r.costUsd.toFixed(4),
  ]);
  return formatTable(head, body);
}

export function formatTable(head: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [line(head), rule, ...body.map(line)].join("\n");
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = argv.indexOf("--frames-per-cpu-second");
  let measured: MeasuredSpeeds | undefined;
  try {
    const last = JSON.parse(await readFile(".cache/bench/last.json", "utf8")) as {
      measured?: MeasuredSpeeds;
    };
    measured = last.measured;
  } catch {
    measured = undefined;
  }
  if (flag >= 0) {
    const value = Number(argv[flag + 1]);
    if (!(value > 0)) throw new Error("--frames-per-cpu-second needs a positive number");
    measured = {
      processStartSeconds: 0.1,
      audioSecondsPerVideoSecond: 0.01,
      assembleSecondsPerVideoSecond: 0.005,
      outputBytesPerVideoSecond: 400_000,
      planSeconds: 0.1,
      ...measured,
      encodeFramesPerCpuSecond: value,
    };
  }
  if (!measured) {
    console.error("no measurements: run `npx tsx bench/run.ts` first, or pass --frames-per-cpu-second N");
    process.exitCode = 1;
    return;
  }
  console.log("measured:", JSON.stringify(measured));
  console.log("assumed: ", JSON.stringify(LAMBDA_ASSUMPTIONS));
  console.log(formatLambdaTable(lambdaTable(measured)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
