import { readFileSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import {
  downloadCommand,
  EXIT,
  type RemoteOptions,
  renderCommand,
  type StatusOptions,
  type SubmitOptions,
  statusCommand,
  submitCommand,
  toCliExit,
  validateCommand,
} from "./cli-commands.js";
import { DEFAULT_DATA_DIR } from "./data-dir.js";
import type { DoctorOptions } from "./doctor-command.js";
import type { LocalService } from "./local-service.js";
import { localModeEnv } from "./request-file.js";
import { type UploadCommandOptions, uploadCommand } from "./upload-command.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

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

// exitOverride: usage errors (missing -o, unknown option) exit 2 like any invalid input, not
// commander's 1, which means "the job failed" here.
const program = new Command()
  .name("videocraft")
  .version(version)
  .exitOverride()
  .description(
    "VideoCraft Serverless: JSON scenes to MP4, locally on an embedded S3+SQS stack or on a deployed API",
  )
  .addHelpText(
    "after",
    "\nExit codes: 0 ok, 1 job failed/cancelled, 2 invalid input (request, arguments, output path, port in use), 3 not found, 4 unauthorized, 5 API unreachable/failing, 6 wait timed out",
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
  .addOption(
    new Option("--data-dir <dir>", "keep jobs, videos and queues here; a restart resumes unfinished jobs")
      .env("VIDEOCRAFT_DATA_DIR")
      .default(DEFAULT_DATA_DIR),
  )
  .addOption(
    new Option("--ephemeral", "keep everything in memory: nothing survives a stop").conflicts("dataDir"),
  )
  .action(
    run(async (o: { port: number; host: string; dataDir: string; ephemeral?: boolean }) => {
      // Loaded on demand, like doctor's modules: the remote commands need none of this.
      const [{ startLocalService }, { buildLocalStudio }] = await Promise.all([
        import("./local-service.js"),
        import("./local-studio.js"),
      ]);
      const studio = await buildLocalStudio();
      const service = await startLocalService({
        port: o.port,
        host: o.host,
        env: { ...localModeEnv(), VIDEOCRAFT_STUDIO_DIR: studio.dir },
        ...(o.ephemeral ? {} : { dataDir: o.dataDir }),
      }).catch(async (e: unknown) => {
        await studio.remove();
        throw e;
      });
      await studio.provideExampleMedia(service).catch((e: unknown) => {
        console.warn(`examples will need your own media: ${(e as Error).message}`);
      });
      console.log(`VideoCraft API listening on ${service.url}/v1 (VideoCraft's API: ${service.url}/api/v1)`);
      console.log(`Studio: open ${service.url}/studio in a browser`);
      if (service.apiKeyFile)
        console.log(
          `API key (kept in ${service.apiKeyFile}; set VIDEOCRAFT_API_KEY to choose one): ${service.apiKey}`,
        );
      else if (!process.env.VIDEOCRAFT_API_KEY && !process.env.VIDEOCRAFT_SECURITY_API_KEY)
        console.log(`API key (generated; set VIDEOCRAFT_API_KEY to choose one): ${service.apiKey}`);
      console.log(`file:// sources allowed under ${service.config.localAllowedDir}`);
      console.log(
        service.dataDir
          ? `jobs, videos and queues kept in ${service.dataDir} (--ephemeral keeps them in memory)`
          : "jobs, videos and queues kept in memory: they are gone when this stops",
      );
      const { redelivered, requeued } = service.recovered;
      if (redelivered + requeued.length > 0)
        console.log(`resuming ${redelivered + requeued.length} unfinished job(s) from the last run`);
      handleStopSignals(service, () => studio.remove());
      return EXIT.OK;
    }),
  );

program
  .command("render")
  .description(
    "render a request file locally (one-shot, no server left running); an array of projects gives one MP4 each: out-1.mp4, out-2.mp4, …",
  )
  .argument("<request.json>")
  .requiredOption("-o, --output <file.mp4>", "where to write the video (its folder is created)")
  .action(run((file: string, o: { output: string }) => renderCommand(file, o)));

waitOptions(
  program
    .command("submit")
    .description("submit a request file to an API; prints the job id(s)")
    .argument("<request.json>")
    .option("-w, --wait", "follow the job to its end with a progress bar")
    .option("-o, --output <file.mp4>", "wait, then download the video here (several projects: file-1.mp4, …)")
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
  .command("upload")
  .description("upload a media file to the API's bucket; prints the s3:// source to use in a request")
  .argument("<file>")
  .option("--content-type <type>", "media type (default: from the file's extension)")
  .addOption(urlOption())
  .addOption(keyOption())
  .action(run((file: string, o: UploadCommandOptions) => uploadCommand(file, o)));

program
  .command("validate")
  .description("check a request file as render would, offline: schema, placeholders, local files (exit 2)")
  .argument("<request.json>")
  .action(run((file: string) => validateCommand(file)));

program
  .command("doctor")
  .description("check what rendering needs here; with --aws, what `cdk deploy` needs from your account")
  .option("--aws", "also check region, credentials, CDK bootstrap, Lambda concurrency and a container engine")
  .option(
    "-c, --context <key=value>",
    "a deployment setting, as given to `cdk deploy -c` (repeatable)",
    (value: string, all: string[]) => [...all, value],
    [] as string[],
  )
  .option("--toolkit-stack-name <name>", "the CDK bootstrap stack's name", "CDKToolkit")
  .addHelpText("after", "\nExit code 1 when a check fails; each failing line says how to fix it.")
  // Loaded on demand: the AWS SDK clients it needs would slow every other command's start.
  .action(run(async (o: DoctorOptions) => (await import("./doctor-command.js")).doctorCommand(o)));

/**
 * Ctrl-C (or SIGTERM) once: stop taking requests and let renders in progress finish; twice: stop
 * now (with a data directory, the abandoned renders run again at the next start).
 */
function handleStopSignals(service: LocalService, afterStop: () => Promise<void>): void {
  let signals = 0;
  const onSignal = () => {
    signals++;
    if (signals === 1) {
      console.error("stopping: renders in progress finish first (Ctrl-C again to stop now)");
      void service
        .stop()
        .then(afterStop)
        .then(() => process.exit(EXIT.OK));
    } else {
      void service.stop({ now: true });
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

program.parseAsync().catch((e: unknown) => {
  // Commander has already printed its message (or the help, or the version).
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? EXIT.OK : EXIT.INVALID);
  const exit = toCliExit(e);
  console.error(`videocraft: ${exit.message}`);
  for (const line of exit.details) console.error(line);
  process.exit(exit.exitCode);
});
