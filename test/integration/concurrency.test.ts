import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsClients, createAwsClients } from "../../functions/adapters/aws-clients.js";
import { type LocalService, startLocalService } from "../../local/local-service.js";
import { BALANCED, balanceBooks, submitOver, tinyRenderProject, waitForAll } from "../support/job-batch.js";

/**
 * Concurrent submits on the local stack over HTTP on 127.0.0.1, rendered by 2 worker loops: no job
 * is lost or done twice (distinct ids, every job completed on its first attempt, exactly the
 * submitted jobs stored, one MP4 + poster each, queues drained), and concurrent requests sharing an
 * Idempotency-Key create one job. A few tiny renders (64×64, 0.2 s, draft): the property, in
 * seconds. The same check at 200 jobs, with throughput and latency figures, is `npm run bench:load`.
 */
const JOBS = 12;

let dir: string;
let service: LocalService;
let clients: AwsClients;
let project: unknown;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vc-concurrency-"));
  project = await tinyRenderProject(dir);
  service = await startLocalService({
    env: { VIDEOCRAFT_LOCAL_ALLOWED_DIR: dir, VIDEOCRAFT_FFMPEG_PRESET: "ultrafast" },
    workers: 2,
  });
  clients = createAwsClients(service.config);
}, 60_000);

afterAll(async () => {
  clients?.s3.destroy();
  clients?.sqs.destroy();
  await service?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("concurrent submits on the local stack", () => {
  it("20 concurrent requests with one Idempotency-Key create one job", async () => {
    const before = new Set(await service.jobs.listIds());
    const results = await Promise.all(
      Array.from({ length: 20 }, () => submitOver(service, project, { "idempotency-key": "same-key" })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(202));
    const ids = [...new Set(results.map((r) => r.id as string))];
    expect(ids).toHaveLength(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    const done = await waitForAll(service, ids, { timeoutMs: 60_000 });
    expect(await balanceBooks(service, clients.sqs, { before, ids, done })).toEqual(BALANCED);
  }, 90_000);

  it(`${JOBS} concurrent submits: all distinct, each created once and rendered once, none lost`, async () => {
    const before = new Set(await service.jobs.listIds());
    const results = await Promise.all(Array.from({ length: JOBS }, () => submitOver(service, project)));
    expect(results.filter((r) => r.status !== 202)).toEqual([]);
    const ids = results.map((r) => r.id as string);
    const done = await waitForAll(service, ids, { timeoutMs: 120_000 });
    expect(await balanceBooks(service, clients.sqs, { before, ids, done })).toEqual(BALANCED);
    // Both worker loops took part: the renders overlapped in time.
    const spans = [...done.values()].map((r) => [Date.parse(r.started_at!), Date.parse(r.finished_at!)]);
    const overlapped = spans.some(([s1, e1], i) =>
      spans.some(([s2], j) => i !== j && s2! >= s1! && s2! < e1!),
    );
    expect(overlapped).toBe(true);
  }, 150_000);
});
