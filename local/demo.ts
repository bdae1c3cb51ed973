import { execFile } from "node:child_process";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { promisify } from "node:util";
import { ApiClient } from "./api-client.js";
import {
  generateImage,
  generatePhoto,
  generateSpeech,
  generateTone,
  generateVideo,
} from "./generate-media.js";
import { startLocalService } from "./local-service.js";
import { createJobProgressBar } from "./progress-bar.js";

/**
 * `npm run demo`: generates its own media, starts the embedded stack, submits every request in
 * examples/ over HTTP, shows progress, and downloads each MP4 into out/ through its presigned URL.
 */
const root = resolve(import.meta.dirname, "..");
const outDir = join(root, "out");
const mediaDir = join(outDir, "demo-media");

/** The product short's narration, scene by scene (also its caption scripts in examples/product-short.json). */
const PRODUCT_LINES = [
  "Meet the Keeper, the bottle that keeps drinks cold all day.",
  "Steel walls, a leak proof lid, and it fits every cup holder.",
  "Order today and get free shipping.",
];

async function makeDemoMedia(): Promise<void> {
  await mkdir(mediaDir, { recursive: true });
  await Promise.all([
    generateVideo(join(mediaDir, "background.mp4"), { seconds: 4, width: 640, height: 360, fps: 30 }),
    generateVideo(join(mediaDir, "clip.mp4"), { seconds: 3, width: 640, height: 480, fps: 30, toneHz: 660 }),
    generateImage(join(mediaDir, "logo.png"), { width: 200, height: 200, color: "#ffd500cc" }),
    generateImage(join(mediaDir, "card.png"), { width: 640, height: 400, color: "#e0406a" }),
    generateTone(join(mediaDir, "music.wav"), { seconds: 6, hz: 220, volume: 0.4 }),
    generateSpeech(
      join(mediaDir, "intro.wav"),
      "Welcome to VideoCraft Serverless. This video was rendered from a JSON description.",
    ),
    generateSpeech(
      join(mediaDir, "details.wav"),
      "Every scene is encoded on its own, the sound is mixed once, and the result lands in S3.",
    ),
    // The product short: three stills (portrait, landscape, square) and one line of narration each.
    generatePhoto(join(mediaDir, "product-1.png"), {
      width: 1200,
      height: 1800,
      from: "#1d3557",
      to: "#e63946",
    }),
    generatePhoto(join(mediaDir, "product-2.png"), {
      width: 2400,
      height: 1200,
      from: "#2a9d8f",
      to: "#264653",
    }),
    generatePhoto(join(mediaDir, "product-3.png"), {
      width: 1500,
      height: 1500,
      from: "#f4a261",
      to: "#6d597a",
    }),
    ...PRODUCT_LINES.map((line, i) => generateSpeech(join(mediaDir, `product-${i + 1}.wav`), line)),
  ]);
}

async function main(): Promise<void> {
  const t0 = Date.now();
  console.log("Generating demo media…");
  await makeDemoMedia();
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
