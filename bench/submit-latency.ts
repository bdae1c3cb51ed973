import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { percentile } from "../functions/core/metrics/percentile.js";
import { silentLog } from "../functions/core/ports/log.js";
import { ApiClient } from "../local/api-client.js";
import { generateVideo } from "../local/generate-media.js";
import { type LocalService, startLocalService } from "../local/local-service.js";

/**
 * Submit latency of the local API: POST /v1/videos over HTTP on 127.0.0.1 with the embedded S3+SQS.
 *
 * 1. API alone (render workers off): sequentially and 10 at a time (target: p99 ≤ 50 ms
 *    sequential, warm) — the API's own cost (validation, three S3 writes, one SQS send).
 * 2. With two renders running (two worker loops, each encoding a 720p video, sequential submits
 *    meanwhile; target p99 ≤ 100 ms): what a developer sees while the service works.
 *
 *   npx tsx bench/submit-latency.ts [--requests 500] [--json]
 */
const args = process.argv.slice(2);
const requests = Number(args[args.indexOf("--requests") + 1] || 500) || 500;
const json = args.includes("--json");

const project = {
  resolution: "640x360",
  scenes: [
    {
      duration: 2,
      "background-color": "#203040",
      elements: [{ type: "image", src: "https://cdn.example.com/logo.png", x: 10, y: 10 }],
    },
  ],
};

const summarise = (ms: number[], wallMs: number) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    requests: ms.length,
    p50Ms: Number((percentile(sorted, 50) ?? Number.NaN).toFixed(1)),
    p99Ms: Number((percentile(sorted, 99) ?? Number.NaN).toFixed(1)),
    maxMs: Number((sorted.at(-1) ?? 0).toFixed(1)),
    perSecond: Number(((ms.length / wallMs) * 1000).toFixed(1)),
  };
};
type Summary = ReturnType<typeof summarise>;

function submitter(service: LocalService) {
  const body = JSON.stringify(project);
  return async () => {
    const t0 = performance.now();
    const res = await fetch(`${service.url}/v1/videos`, {
      method: "POST",
      headers: { "x-api-key": service.apiKey, "content-type": "application/json" },
      body,
    });
    await res.arrayBuffer();
    if (res.status !== 202) throw new Error(`submit answered ${res.status}`);
    return performance.now() - t0;
  };
}

async function sequential(submit: () => Promise<number>, n: number): Promise<Summary> {
  const ms: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) ms.push(await submit());
  return summarise(ms, performance.now() - t0);
}

async function apiAlone(): Promise<{ sequential: Summary; concurrent10: Summary }> {
  const service = await startLocalService({ workers: 0, log: silentLog });
  try {
    const submit = submitter(service);
    for (let i = 0; i < 30; i++) await submit();
    const seq = await sequential(submit, requests);
    const parallel: number[] = [];
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next++ < requests) parallel.push(await submit());
      }),
    );
    return { sequential: seq, concurrent10: summarise(parallel, performance.now() - t0) };
  } finally {
    await service.stop();
  }
}

/** Sequential submits while both worker loops encode a long 720p video. */
async function withTwoRenders(): Promise<Summary> {
  const dir = await mkdtemp(join(tmpdir(), "videocraft-bench-latency-"));
  await generateVideo(join(dir, "clip.mp4"), { seconds: 4, width: 640, height: 360, fps: 30 });
  const service = await startLocalService({
    workers: 2,
    env: { VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir },
    log: silentLog,
  });
  const client = new ApiClient(service.url, service.apiKey);
  const renders: string[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const { id } = await client.submit({
        resolution: "1280x720",
        scenes: [
          {
            duration: 120,
            elements: [{ type: "video", src: `file://${join(dir, "clip.mp4")}`, loop: true }],
          },
        ],
      });
      renders.push(id);
    }
    for (;;) {
      const jobs = await Promise.all(renders.map((id) => client.getJob(id)));
      if (jobs.some((j) => j.status !== "queued" && j.status !== "processing"))
        throw new Error(`a long render ended early: ${JSON.stringify(jobs.map((j) => j.error ?? j.status))}`);
      if (jobs.every((j) => j.step === "rendering")) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const submit = submitter(service);
    const result = await sequential(submit, requests);
    const still = await Promise.all(renders.map((id) => client.getJob(id)));
    if (still.some((j) => j.step !== "rendering" && j.step !== "mixing"))
      console.error(`note: a render left the encode before the submits ended (${still.map((j) => j.step)})`);
    return result;
  } finally {
    for (const id of renders) await client.request("DELETE", `/v1/jobs/${id}`).catch(() => undefined);
    await service.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const load = loadavg()[0] ?? 0;
  const alone = await apiAlone();
  const busy = await withTwoRenders();
  const row = (mode: string, s: Summary) =>
    `| ${mode} | ${s.requests} | ${s.p50Ms} | ${s.p99Ms} | ${s.maxMs} | ${s.perSecond} |`;
  console.log(`${cpus().length} × ${cpus()[0]?.model ?? "?"}, load average ${load.toFixed(1)} at start`);
  console.log("| mode | requests | p50 ms | p99 ms | max ms | submits/s |");
  console.log("|---|---|---|---|---|---|");
  console.log(row("sequential, API alone", alone.sequential));
  console.log(row("10 concurrent, API alone", alone.concurrent10));
  console.log(row("sequential, two renders running", busy));
  console.log(`target p99 ≤ 50 ms (sequential, API alone): ${alone.sequential.p99Ms <= 50 ? "yes" : "NO"}`);
  console.log(`target p99 ≤ 100 ms (two renders running): ${busy.p99Ms <= 100 ? "yes" : "NO"}`);
  if (json) console.log(JSON.stringify({ ...alone, twoRendersRunning: busy }));
}

main().catch((e: unknown) => {
  console.error(`submit-latency failed: ${(e as Error).message}`);
  process.exit(1);
});
