import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pixelBox } from "../support/burn-captions.js";
import { grabFrame } from "../support/media-probe.js";
import { startTinyMediaService, type TinyMediaService } from "../support/tiny-media-service.js";

/**
 * A stored template rendered for 20 data rows through the whole local service: 20 jobs, each
 * recording its row, each video showing its own row's text (row i writes i + 1 letters in a red
 * box, so the box grows with the row).
 */
let s: TinyMediaService;

beforeAll(async () => {
  s = await startTinyMediaService("templates");
}, 120_000);

afterAll(async () => {
  await s?.stop();
});

const ROWS = 20;

describe("a template batch", () => {
  it("renders 20 rows as 20 jobs, each video with its own row's text", async () => {
    const template = {
      width: 320,
      height: 60,
      fps: 5,
      quality: "draft",
      "background-color": "#204060",
      scenes: [
        {
          duration: 0.4,
          elements: [
            {
              type: "text",
              text: "{{label}}",
              "font-size": 12,
              "box-color": "#FF0000",
              position: "left-center",
              margin: 4,
            },
          ],
        },
      ],
    };
    const stored = await s.client.request("POST", "/v1/templates", { name: "rows", template });
    expect(stored.status).toBe(201);
    const { id: templateId } = stored.body as { id: string };
    const data = Array.from({ length: ROWS }, (_, i) => ({ label: "M".repeat(i + 1) }));
    const headers = { "Idempotency-Key": "twenty-rows" };
    const created = await s.client.request("POST", `/v1/templates/${templateId}/videos`, { data }, headers);
    expect(created.status).toBe(202);
    const jobs = (created.body as { jobs: { id: string; row: number }[] }).jobs;
    expect(jobs.map((j) => j.row)).toEqual(data.map((_, i) => i));
    // The same batch again: the same 20 jobs, nothing new queued.
    const again = await s.client.request("POST", `/v1/templates/${templateId}/videos`, { data }, headers);
    expect((again.body as { jobs: { id: string }[] }).jobs.map((j) => j.id)).toEqual(jobs.map((j) => j.id));

    const widths: number[] = [];
    for (const [i, { id }] of jobs.entries()) {
      const job = await s.client.waitForJob(id, { timeoutMs: 300_000, intervalMs: 250 });
      expect(job.status, JSON.stringify(job.error)).toBe("completed");
      expect(job).toMatchObject({ row: i, template_id: templateId });
      const path = join(s.dir, `row-${i}.mp4`);
      await s.client.downloadVideo(id, path);
      const box = pixelBox(await grabFrame(path, 0.1), [255, 0, 0], 60);
      widths.push(box.maxX - box.minX + 1);
    }
    const steps = widths.slice(1).map((w, i) => w - (widths[i] ?? 0));
    // One more "M" (about 10 px at 12 px bold) per row, every row.
    expect(Math.min(...steps), widths.join(" ")).toBeGreaterThanOrEqual(8);
    expect(Math.max(...steps), widths.join(" ")).toBeLessThanOrEqual(12);
  }, 600_000);
});
