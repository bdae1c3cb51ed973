import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { promisify } from "node:util";
import { ApiClient } from "./api-client.js";
import { generateDemoMedia } from "./demo-media.js";
import { startLocalService } from "./local-service.js";
import { createJobProgressBar } from "./progress-bar.js";

/**
 * `npm run demo`: generates its own media, starts the embedded stack, submits every request in
 * examples/ over HTTP, shows progress, and downloads each MP4 into out/ through its presigned URL.
 */
const root = resolve(import.meta.dirname, "..");
const outDir = join(root, "out");
const mediaDir = join(outDir, "demo-media");

async function main(): Promise<void> {
  const t0 = Date.now();
  console.log("Generating demo media…");
  await generateDemoMedia(mediaDir);
  const service = await startLocalService({
    env: { ...process.env, VIDEOCRAFT_LOCAL_ALLOWED_DIR: mediaDir },
  });
  try {
    console.log(`Local API on ${service.url} (embedded S3 + SQS at ${service.stack.endpoint})`);
    const client = new ApiClient(service.url, service.apiKey);
    const examples = (await readdir(join(root, "examples"))).filter((f) => f.endsWith(".json")).sort();
    let failures = 0;
    for (const file of examples) {
      const text = (await readFile(join(root, "examples", file), "utf8")).replaceAll("{{MEDIA}}", mediaDir);
      const started = Date.now();
      const { id } = await client.submit(JSON.parse(text));
      const bar = createJobProgressBar(basename(file, ".json"));
      const job = await client.waitForJob(id, { onUpdate: (j) => bar.update(j) });
      bar.stop();
      if (job.status !== "completed") {
        failures++;
        console.error(
          `✗ ${file}: ${job.status} ${job.error ? `${job.error.code}: ${job.error.message}` : ""}`,
        );
        continue;
      }
      const target = join(outDir, `${basename(file, ".json")}.mp4`);
      await client.downloadVideo(id, target);
      const { stdout } = await promisify(execFile)("ffprobe", [
        "-v",
        "error",
        "-show_entries",
        "format=duration:stream=codec_type,codec_name,width,height",
        "-of",
        "compact=p=0:nk=1",
        target,
      ]);
      console.log(
        `✓ ${target} (${job.duration_seconds?.toFixed(2)} s of video, rendered in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
      );
      console.log(`  ${stdout.trim().split("\n").join(" | ")}`);
      for (const w of job.warnings ?? []) console.log(`  note: ${w}`);
    }
    console.log(`Done in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
    process.exitCode = failures > 0 ? 1 : 0;
  } finally {
    await service.stop();
  }
}

main().catch((e: unknown) => {
  console.error(`demo failed: ${(e as Error).message}`);
  process.exit(1);
});
