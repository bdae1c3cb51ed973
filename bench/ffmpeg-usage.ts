import { chmod, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { FfmpegCommand } from "../functions/core/plan/render-plan.js";
import { runFfmpeg } from "../functions/render/pipeline/run-ffmpeg.js";
import { CACHE, exists, log, median } from "./bench-env.js";
import type { RunResult } from "./variant.js";

/**
 * Measuring ffmpeg: `/usr/bin/time -f '%M %U %S %e'` gives the peak RSS (KiB) and CPU seconds of
 * each ffmpeg child; a tiny wrapper script is handed to runFfmpeg as the ffmpeg binary, so the
 * very runner the worker uses runs every measured command.
 */

const TIME_BIN = "/usr/bin/time";
let timeFileCounter = 0;

/** "time": ffmpeg runs under /usr/bin/time (CPU seconds and peak RSS measured); undefined: wall time only. */
export type Meter = "time" | undefined;

export interface ProcessUsage {
  peakRssKb: number;
  cpuSeconds: number;
}

export interface CommandRun {
  seconds: number;
  usage: ProcessUsage | undefined;
}

/** Whether ffmpeg's RSS and CPU seconds can be measured here: "time", or undefined without /usr/bin/time. */
export async function ffmpegMeter(): Promise<Meter> {
  if (await exists(TIME_BIN)) return "time";
  log("/usr/bin/time not found: ffmpeg RSS and CPU seconds are not measured (apt-get install time)");
  return undefined;
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

/**
 * Runs one command through runFfmpeg, timed. Each run gets its own wrapper script and time file,
 * so runs may overlap (the worker mixes the soundtrack beside the encodes).
 */
export async function timedFfmpeg(command: FfmpegCommand, meter: Meter): Promise<CommandRun> {
  const n = timeFileCounter++;
  const file = join(CACHE, `time-${process.pid}-${n}.txt`);
  let ffmpegPath = "ffmpeg";
  if (meter) {
    ffmpegPath = join(CACHE, `ffmpeg-timed-${process.pid}-${n}.sh`);
    await writeFile(ffmpegPath, `#!/bin/sh\nexec ${TIME_BIN} -f '%M %U %S %e' -o '${file}' ffmpeg "$@"\n`);
    await chmod(ffmpegPath, 0o755);
  }
  const t0 = performance.now();
  try {
    await runFfmpeg(command, { ffmpegPath, timeoutMs: 2 * 60 * 60 * 1000 });
  } finally {
    if (meter) await rm(ffmpegPath, { force: true });
  }
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, usage: meter ? await readUsage(file) : undefined };
}

/** Total CPU seconds and largest peak RSS (MiB) of some runs; nulls when any was not measured. */
export function sumUsage(runs: readonly CommandRun[]): { cpu: number | null; peak: number | null } {
  if (runs.length === 0 || runs.some((r) => !r.usage)) return { cpu: null, peak: null };
  return {
    cpu: runs.reduce((s, r) => s + (r.usage?.cpuSeconds ?? 0), 0),
    peak: Math.max(...runs.map((r) => r.usage?.peakRssKb ?? 0)) / 1024,
  };
}

/** Peak RSS of this node process while `fn` runs, sampled every 50 ms. */
export async function withNodeRss<T>(fn: () => Promise<T>): Promise<{ value: T; nodeRssMb: number }> {
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

/**
 * Seconds of a trivial ffmpeg run (process start, no real work), median of three: CPU seconds when
 * /usr/bin/time is there (machine load inflates wall time, not CPU time), else wall seconds.
 */
export async function ffmpegStartSeconds(meter: Meter): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const output = join(CACHE, "start.wav");
    const args = [
      ...["-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", "0.1"],
      ...["-hide_banner", "-nostdin", "-y", "-loglevel", "error", output],
    ];
    const run = await timedFfmpeg({ args, output, durationSeconds: 0.1, files: [] }, meter);
    runs.push(run.usage?.cpuSeconds ?? run.seconds);
  }
  return median(runs);
}

/** The part of a run's result every plan has: wall seconds, ffmpeg CPU and peak RSS, node RSS, the output. */
export async function measuredRun(
  seconds: number,
  runs: readonly CommandRun[],
  nodeRssMb: number,
  output: string,
): Promise<Pick<RunResult, "seconds" | "cpuSeconds" | "ffmpegPeakRssMb" | "nodeRssMb" | "bytes" | "output">> {
  const usage = sumUsage(runs);
  const bytes = (await stat(output)).size;
  return { seconds, cpuSeconds: usage.cpu, ffmpegPeakRssMb: usage.peak, nodeRssMb, bytes, output };
}
