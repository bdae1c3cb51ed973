import { startLocalService } from "../local/local-service.js";

/**
 * Submit latency of the local API (issue 6 target: p99 ≤ 50 ms warm): POST /v1/videos over HTTP on
 * 127.0.0.1 with the embedded S3+SQS, sequentially and 10 at a time. Render workers are off so the
 * figures are the API's own (validation, two S3 writes, one SQS send). Usage:
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

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const service = await startLocalService({ workers: 0, env: { VIDEOCRAFT_LOG_LEVEL: "ERROR" } });
  const body = JSON.stringify(project);
  const submit = async () => {
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
  const summarise = (ms: number[], wallMs: number) => {
    const sorted = [...ms].sort((a, b) => a - b);
    return {
      requests: ms.length,
      p50Ms: Number(percentile(sorted, 50).toFixed(1)),
      p99Ms: Number(percentile(sorted, 99).toFixed(1)),
      maxMs: Number((sorted.at(-1) ?? 0).toFixed(1)),
      perSecond: Number(((ms.length / wallMs) * 1000).toFixed(1)),
    };
  };
  try {
    for (let i = 0; i < 30; i++) await submit();
    const sequential: number[] = [];
    let t0 = performance.now();
    for (let i = 0; i < requests; i++) sequential.push(await submit());
    const seq = summarise(sequential, performance.now() - t0);
    const parallel: number[] = [];
    t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next++ < requests) parallel.push(await submit());
      }),
    );
    const par = summarise(parallel, performance.now() - t0);
    console.log("| mode | requests | p50 ms | p99 ms | max ms | submits/s |");
    console.log("|---|---|---|---|---|---|");
    console.log(
      `| sequential | ${seq.requests} | ${seq.p50Ms} | ${seq.p99Ms} | ${seq.maxMs} | ${seq.perSecond} |`,
    );
    console.log(
      `| 10 concurrent | ${par.requests} | ${par.p50Ms} | ${par.p99Ms} | ${par.maxMs} | ${par.perSecond} |`,
    );
    console.log(`target p99 ≤ 50 ms (sequential, warm): ${seq.p99Ms <= 50 ? "yes" : "NO"}`);
    if (json) console.log(JSON.stringify({ sequential: seq, concurrent10: par }));
  } finally {
    await service.stop();
  }
}

main().catch((e: unknown) => {
  console.error(`submit-latency failed: ${(e as Error).message}`);
  process.exit(1);
});
