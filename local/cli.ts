import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { parseProjectRequest } from "../functions/core/schema/parse-project-request.js";
import { ApiClient } from "./api-client.js";
import { startLocalService } from "./local-service.js";
import { createJobProgressBar } from "./progress-bar.js";

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("a port number 0–65535");
  return n;
};

async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, "utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

const program = new Command()
  .name("videocraft")
  .description("VideoCraft Serverless: JSON scenes to MP4, locally on an embedded S3+SQS stack");

program
  .command("serve")
  .description("run the API and render workers locally on an embedded S3+SQS emulator")
  .option("-p, --port <port>", "HTTP port on 127.0.0.1", port, 8080)
  .action(async (o: { port: number }) => {
    const service = await startLocalService({
      port: o.port,
      env: { VIDEOCRAFT_LOCAL_ALLOWED_DIR: process.cwd(), ...process.env },
    });
    console.log(`VideoCraft API listening on ${service.url}/v1`);
    if (!process.env.VIDEOCRAFT_API_KEY)
      console.log(`API key (generated; set VIDEOCRAFT_API_KEY to choose one): ${service.apiKey}`);
    console.log(`file:// sources allowed under ${service.config.localAllowedDir}`);
    const stop = () => void service.stop().then(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });

program
  .command("render")
  .description("render one request file to an MP4 (one-shot, no server left running)")
  .argument("<request.json>")
  .requiredOption("-o, --output <file.mp4>", "where to write the video")
  .action(async (file: string, o: { output: string }) => {
    const body = await readJson(file);
    const service = await startLocalService({
      env: { VIDEOCRAFT_LOCAL_ALLOWED_DIR: process.cwd(), ...process.env },
    });
    try {
      const client = new ApiClient(service.url, service.apiKey);
      const { id } = await client.submit(body);
      const bar = createJobProgressBar("render");
      const job = await client.waitForJob(id, { onUpdate: (j) => bar.update(j) });
      bar.stop();
      if (job.status !== "completed") {
        console.error(`render ${job.status}: ${job.error?.code} ${job.error?.message ?? ""}`);
        process.exitCode = 1;
        return;
      }
      await client.downloadVideo(id, resolve(o.output));
      console.log(`wrote ${o.output} (${job.duration_seconds?.toFixed(2)} s)`);
      for (const w of job.warnings ?? []) console.log(`note: ${w}`);
    } finally {
      await service.stop();
    }
  });

program
  .command("validate")
  .description("check a request file against the schema without rendering")
  .argument("<request.json>")
  .action(async (file: string) => {
    const result = parseProjectRequest(await readJson(file), { maxProjects: 1000 });
    if (result.ok) {
      console.log(
        `valid: ${result.projects.length} project(s), ${result.projects.reduce((n, p) => n + p.scenes.length, 0)} scene(s)`,
      );
      return;
    }
    for (const issue of result.issues) console.error(`${issue.path || "(body)"}: ${issue.message}`);
    process.exitCode = 1;
  });

program.parseAsync().catch((e: unknown) => {
  console.error(`videocraft: ${(e as Error).message}`);
  process.exit(1);
});
