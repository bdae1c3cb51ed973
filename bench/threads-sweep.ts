import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { exec, log, median, OUT, round } from "./bench-env.js";
import { caseInputs, timedWords } from "./inputs.js";
import { benchConfig, ourRequest, parseProject, prepareTimed } from "./run-ours.js";

/**
 * x264 with `-threads N` on the longer scene of the 10 s case (1080p30, veryfast), each run pinned
 * with `taskset` to min(N, cores) cores, standing in for N vCPUs. What the Lambda model takes
 * from it: how much faster N threads encode than one (`speedup`), and the CPU that threading
 * itself costs (`cpuPerFrame` against one thread's).
 */
export interface SweepRow {
  threads: number;
  cores: number;
  wallSeconds: number;
  cpuSeconds: number;
  framesPerSecond: number;
  /** Frames per second over one thread's. */
  speedup: number;
  /** CPU seconds per frame over one thread's. */
  cpuPerFrame: number;
  load1: number;
}

export interface ThreadsSweep {
  cores: number;
  frames: number;
  rows: SweepRow[];
}

export async function threadsSweep(repeat = 3): Promise<ThreadsSweep> {
  const inputs = await caseInputs("10s", 2, 10);
  const dir = join(OUT, "threads");
  await mkdir(dir, { recursive: true });
  const project = parseProject(ourRequest(inputs, timedWords(inputs), "medium"));
  await mkdir(join(dir, "work"), { recursive: true });
  const { prepared } = await prepareTimed(project, benchConfig(), join(dir, "work"));
  const segment = [...prepared.plan.segments].sort((a, b) => b.frames - a.frames)[0]!;
  for (const file of segment.command.files) await writeFile(file.path, file.content);
  const cores = availableParallelism();
  const counts = [...new Set([1, 2, 3, 4, Math.min(8, cores), Math.max(4, cores * 2)])].sort((a, b) => a - b);
  const rows: SweepRow[] = [];
  for (const threads of counts) {
    const args = segment.command.args.flatMap((a, i, all) =>
      all[i - 1] === "-threads"
        ? [String(threads)]
        : i === all.length - 1
          ? [join(dir, `t${threads}.mp4`)]
          : [a],
    );
    const pin = `0-${Math.min(threads, cores) - 1}`;
    const walls: number[] = [];
    const cpus: number[] = [];
    for (let r = 0; r < repeat; r++) {
      const { stderr } = await exec(
        "taskset",
        ["-c", pin, "/usr/bin/time", "-f", "%U %S %e", "ffmpeg", ...args],
        {
          maxBuffer: 16 * 2 ** 20,
        },
      );
      const m = /([\d.]+) ([\d.]+) ([\d.]+)\s*$/.exec(stderr.trim());
      if (!m) throw new Error(`no timing from the sweep run: ${stderr.slice(-200)}`);
      cpus.push(Number(m[1]) + Number(m[2]));
      walls.push(Number(m[3]));
    }
    const wall = Math.min(...walls);
    rows.push({
      threads,
      cores: Math.min(threads, cores),
      wallSeconds: round(wall, 2) ?? 0,
      cpuSeconds: round(median(cpus), 2) ?? 0,
      framesPerSecond: round(segment.frames / wall, 1) ?? 0,
      speedup: 0,
      cpuPerFrame: 0,
      load1: round(loadavg()[0], 2) ?? 0,
    });
    log(`threads ${threads} on ${Math.min(threads, cores)} cores: ${wall.toFixed(2)} s`);
  }
  const one = rows[0]!;
  for (const row of rows) {
    row.speedup = round(row.framesPerSecond / one.framesPerSecond, 3) ?? 0;
    row.cpuPerFrame = round(row.cpuSeconds / one.cpuSeconds, 3) ?? 0;
  }
  return { cores, frames: segment.frames, rows };
}
