/**
 * Load on the local stack (not a test; see bench/README.md): N concurrent submits (default 200) of a
 * tiny render (64×64, 0.2 s, draft preset, one local image) over HTTP on 127.0.0.1, then every job is
 * followed to its end and the books are checked (nothing lost, nothing done twice: see
 * test/support/job-batch.ts). Baseline in the same run, on the same stack before the load: submit
 * latency of sequential requests and the wall time of renders one at a time; the load figures are
 * printed as ratios to it.
 *
 *   npx tsx bench/load.ts [--jobs 200] [--workers 2] [--json]     (npm run bench:load)
 *
 * Exits 1 when the books do not balance (a lost or duplicated job), so a run is also a check.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createAwsClients } from "../functions/adapters/aws-clients.js";
import { silentLog } from "../functions/core/ports/log.js";
import { startLocalService } from "../local/local-service.js";
import {
  BALANCED,
  balanceBooks,
  percentile,
  submitOver,
  tinyRenderProject,
  waitForAll,
} from "../test/support/job-batch.js";

const { values: opts } = parseArgs({
  options: {
    jobs: { type: "string", default: "200" },
    workers: { type: "string", default: "2" },
    json: { type: "boolean", default: false },
  },
});
const JOBS = Number(opts.jobs);
const WORKERS = Number(opts.workers);
/** Sequential submits and sequential renders measured before the load. */
const BASELINE_SUBMITS = 20;
const BASELINE_RENDERS = 5;

const ms = (x: number) => `${x.toFixed(0)} ms`;
const s = (x: number) => `${x.toFixed(2)} s`;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "vc-bench-load-"));
  const project = await tinyRenderProject(dir);
  const service = await startLocalService({
    env: { VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir, VIDEOCRAFT_FFMPEG_PRESET: "ultrafast" },
    workers: WORKERS,
    log: silentLog,
  });
  const { sqs } = createAwsClients(service.config);
  const loadStart = loadavg()[0]!;
  try {
    // Baseline: renders one at a time (each waited for), timing each submit on the way.
    const single: number[] = [];
    const baselineIds: string[] = [];
    for (let i = 0; i < BASELINE_RENDERS; i++) {
      const t0 = performance.now();
      const { id } = await submitOver(service, project);
      baselineIds.push(id!);
      await waitForAll(service, [id!], { timeoutMs: 120_000, intervalMs: 20 });
      single.push((performance.now() - t0) / 1000);
    }
    const renderAlone = single.sort((a, b) => a - b)[Math.floor(single.length / 2)]!;
    // Sequential submits, each answered before the next is sent (the workers render them meanwhile).
    const idle: number[] = [];
    for (let i = 0; i < BASELINE_SUBMITS; i++) {
      const r = await submitOver(service, project);
      baselineIds.push(r.id!);
      idle.push(r.ms);
    }
    await waitForAll(service, baselineIds, { timeoutMs: 300_000 });
    idle.sort((a, b) => a - b);

    const before = new Set(await service.jobs.listIds());
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const results = await Promise.all(Array.from({ length: JOBS }, () => submitOver(service, project)));
    const submitSeconds = (performance.now() - t0) / 1000;
    // CPU of this process (the API, and this bench's HTTP client) while the submits were answered:
    // whatever else shares the API's process shows up here too.
    const cpu = process.cpuUsage(cpu0);
    const processCpuMsPerSubmit = (cpu.user + cpu.system) / 1000 / JOBS;
    const refused = results.filter((r) => r.status !== 202);
    const ids = results.filter((r) => r.status === 202).map((r) => r.id!);
    const latencies = results.map((r) => r.ms).sort((a, b) => a - b);
    const done = await waitForAll(service, ids, { timeoutMs: 1_800_000, intervalMs: 1000 });
    const allSeconds = (performance.now() - t0) / 1000;
    const books = await balanceBooks(service, sqs, { before, ids, done });
    const balanced = refused.length === 0 && JSON.stringify(books) === JSON.stringify(BALANCED);
    const renderSeconds = [...done.values()].map(
      (r) => (Date.parse(r.finished_at ?? "") - Date.parse(r.started_at ?? "")) / 1000,
    );
    const meanRender = renderSeconds.reduce((a, b) => a + b, 0) / Math.max(1, renderSeconds.length);
    const figures = {
      jobs: JOBS,
      workers: WORKERS,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "unknown",
      load1Start: loadStart,
      load1End: loadavg()[0]!,
      baseline: {
        submitP50Ms: percentile(idle, 50),
        submitP99Ms: percentile(idle, 99),
        renderAloneSeconds: renderAlone,
      },
      load: {
        submitSeconds,
        submitsPerSecond: JOBS / submitSeconds,
        submitP50Ms: percentile(latencies, 50),
        submitP99Ms: percentile(latencies, 99),
        submitMaxMs: latencies.at(-1) ?? Number.NaN,
        processCpuMsPerSubmit,
        allCompletedSeconds: allSeconds,
        rendersPerSecond: JOBS / allSeconds,
        meanRenderSeconds: meanRender,
      },
      ratios: {
        submitP50: percentile(latencies, 50) / percentile(idle, 50),
        submitP99: percentile(latencies, 99) / percentile(idle, 99),
        /** Jobs per second under load ÷ jobs per second one at a time. */
        throughput: JOBS / allSeconds / (1 / renderAlone),
      },
      refused: refused.map((r) => r.status),
      books,
      balanced,
    };
    const f = figures;
    console.log(
      [
        `load: ${JOBS} concurrent submits, ${WORKERS} worker loop(s), ${f.cpus} × ${f.cpuModel}, load average ${f.load1Start.toFixed(1)} → ${f.load1End.toFixed(1)}`,
        "",
        "| figure | baseline (one at a time) | under load | ratio |",
        "|---|---|---|---|",
        `| submit latency p50 | ${ms(f.baseline.submitP50Ms)} | ${ms(f.load.submitP50Ms)} | ${f.ratios.submitP50.toFixed(1)}× |`,
        `| submit latency p99 | ${ms(f.baseline.submitP99Ms)} | ${ms(f.load.submitP99Ms)} (max ${ms(f.load.submitMaxMs)}) | ${f.ratios.submitP99.toFixed(1)}× |`,
        `| jobs per second | ${(1 / renderAlone).toFixed(2)} (${s(renderAlone)} submit → completed) | ${f.load.rendersPerSecond.toFixed(2)} (all ${JOBS} after ${s(allSeconds)}) | ${f.ratios.throughput.toFixed(2)}× |`,
        "",
        `submits: ${JOBS} in ${s(submitSeconds)} = ${f.load.submitsPerSecond.toFixed(1)}/s, ${processCpuMsPerSubmit.toFixed(1)} ms CPU of the API's process per submit meanwhile; mean render (dequeue → completed) ${s(meanRender)}`,
        balanced
          ? `books balance: ${JOBS} distinct jobs, each completed on its first attempt with one MP4 + poster; queues drained`
          : `BOOKS DO NOT BALANCE: ${JSON.stringify({ refused: f.refused, ...books })}`,
      ].join("\n"),
    );
    if (opts.json) console.log(JSON.stringify(figures));
    process.exitCode = balanced ? 0 : 1;
  } finally {
    sqs.destroy();
    await service.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
