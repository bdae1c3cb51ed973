import { resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { ApiClient } from "./api-client.js";
import {
  downloadCommand,
  EXIT,
  type RemoteOptions,
  readRequestFile,
  type StatusOptions,
  type SubmitOptions,
  statusCommand,
  submitCommand,
  toCliExit,
  validateCommand,
} from "./cli-commands.js";
import { startLocalService } from "./local-service.js";
import { createJobProgressBar } from "./progress-bar.js";

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("a port number 0–65535");
  return n;
};

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("a positive number");
  return n;
};

// Every remote command takes the API's base URL (a deployed stage URL keeps its path) and key.
const urlOption = () =>
  new Option("--url <base>", "API base URL, e.g. https://abc.execute-api.eu-west-1.amazonaws.com/prod").env(
    "VIDEOCRAFT_URL",
  );
const keyOption = () =>
  new Option("--api-key <key>", "API key (sent as x-api-key)").env("VIDEOCRAFT_API_KEY");
const waitOptions = (cmd: Command) =>
  cmd
    .option("--timeout <seconds>", "give up waiting after this long (exit 6)", positive, 900)
    .option("--interval <ms>", "status poll interval", positive, 1000);

/** Runs a command and sets the exit code it returns. */
const run =
  <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
  async (...args: A) => {
    process.exitCode = await fn(...args);
  };

const program = new Command()
  .name("videocraft")
  .description(
    "VideoCraft Serverless: JSON scenes to MP4, locally on an embedded S3+SQS stack or on a deployed API",
  )
  .addHelpText(
    "after",
    "\nExit codes: 0 ok, 1 job failed/cancelled, 2 invalid input, 3 not found, 4 unauthorized, 5 API unreachable/failing, 6 wait timed out",
  );

program
  .command("serve")
  .description("run the API and render workers locally on an embedded S3+SQS emulator")
  // VideoCraft's VIDEOCRAFT_SERVER_PORT/HOST are honoured; unlike VideoCraft's 0.0.0.0, the
  // default host is loopback: a development server should not be reachable from the network.
  .addOption(
    new Option("-p, --port <port>", "HTTP port").argParser(port).default(8080).env("VIDEOCRAFT_SERVER_PORT"),
  )
  .addOption(
    new Option("--host <address>", "address to listen on").default("127.0.0.1").env("VIDEOCRAFT_SERVER_HOST"),
  )
  .action(async (o: { port: number; host: string }) => {
    const service = await startLocalService({
      port: o.port,
      host: o.host,
      env: { VIDEOCRAFT_LOCAL_ALLOWED_DIR: process.cwd(), ...process.env },
    });
    console.log(`VideoCraft API listening on ${service.url}/v1 (VideoCraft's API: ${service.url}/api/v1)`);
    if (!process.env.VIDEOCRAFT_API_KEY && !process.env.VIDEOCRAFT_SECURITY_API_KEY)
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
    const body = await readRequestFile(file);
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
        process.exitCode = EXIT.JOB_FAILED;
        return;
      }
      await client.downloadVideo(id, resolve(o.output));
      console.log(`wrote ${o.output} (${job.duration_seconds?.toFixed(2)} s)`);
      for (const w of job.warnings ?? []) console.log(`note: ${w}`);
    } finally {
      await service.stop();
    }
  });

waitOptions(
  program
    .command("submit")
    .description("submit a request file to an API; prints the job id(s)")
    .argument("<request.json>")
    .option("-w, --wait", "follow the job to its end with a progress bar")
    .option("-o, --output <file.mp4>", "wait, then download the video here (single project)")
    .option("--idempotency-key <key>", "a repeat with the same key returns the same job")
    .option("--dry-run", "validate and estimate on the server; nothing is queued (prints JSON)")
    .addOption(urlOption())
    .addOption(keyOption()),
).action(run((file: string, o: SubmitOptions) => submitCommand(file, o)));

waitOptions(
  program
    .command("status")
    .description("show a job's status (exit 1 when it failed or was cancelled)")
    .argument("<id>")
    .option("-w, --wait", "wait until the job finishes, with a progress bar")
    .option("--json", "print the job as JSON")
    .addOption(urlOption())
    .addOption(keyOption()),
).action(run((id: string, o: StatusOptions) => statusCommand(id, o)));

program
  .command("download")
  .description("download a completed job's MP4 through its presigned link")
  .argument("<id>")
  .requiredOption("-o, --output <file.mp4>", "where to write the video")
  .addOption(urlOption())
  .addOption(keyOption())
  .action(run((id: string, o: RemoteOptions & { output: string }) => downloadCommand(id, o)));

program
  .command("validate")
  .description("check a request file against the schema offline (exit 2 when invalid)")
  .argument("<request.json>")
  .action(run((file: string) => validateCommand(file)));

program.parseAsync().catch((e: unknown) => {
  const exit = toCliExit(e);
  console.error(`videocraft: ${exit.message}`);
  for (const line of exit.details) console.error(line);
  process.exit(exit.exitCode);
});
