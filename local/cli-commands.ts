import { stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { ApiClient, ApiRequestError, type JobView } from "./api-client.js";
import { CliExit, EXIT } from "./cli-exit.js";
import { DataDirInUseError } from "./data-dir.js";
import { expandRequestFile, jobCount } from "./find-placeholders.js";
import type { LocalService, LocalServiceOptions } from "./local-service.js";
import { outputPathsFor, prepareOutputFiles } from "./output-files.js";
import { createJobProgressBar } from "./progress-bar.js";
import { checkRequestFile, invalidRequest, localModeEnv, readRequestFile } from "./request-file.js";

/**
 * The CLI's commands: `render` and `validate` on this machine, and `submit`, `status`, `download`
 * that talk to an API over HTTP (the same against `videocraft serve` and a deployed API).
 * Exit codes are in cli-exit.ts and the README. stdout carries data (job ids, JSON); messages and
 * progress go to stderr.
 */
export { CliExit, EXIT };

export interface Output {
  out(line: string): void;
  err(line: string): void;
  /** Whether stderr is a terminal (progress bar) or a log (one line per change). */
  isTTY: boolean;
}

export const consoleOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTTY: Boolean(process.stderr.isTTY),
};

export interface RemoteOptions {
  url?: string;
  apiKey?: string;
}

/** `--url`/`--api-key`, else `VIDEOCRAFT_URL`/`VIDEOCRAFT_API_KEY`. */
export function clientFrom(o: RemoteOptions, env: NodeJS.ProcessEnv = process.env): ApiClient {
  const url = o.url ?? env.VIDEOCRAFT_URL;
  if (!url) throw new CliExit(EXIT.INVALID, "no API URL: pass --url <base> or set VIDEOCRAFT_URL");
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error();
  } catch {
    throw new CliExit(EXIT.INVALID, `--url must be an http(s) URL, got ${JSON.stringify(url)}`);
  }
  return new ApiClient(url, o.apiKey ?? env.VIDEOCRAFT_API_KEY ?? "");
}

/** Maps an API or network error to the exit code and message the CLI prints. */
export function toCliExit(e: unknown): CliExit {
  if (e instanceof CliExit) return e;
  if (e instanceof ApiRequestError) {
    const body = e.body as { error?: { details?: { path?: string; message?: string }[] } } | undefined;
    const details = (body?.error?.details ?? []).map((d) => `  ${d.path || "(body)"}: ${d.message ?? ""}`);
    const code =
      e.status === 400 || e.status === 413 || e.status === 415 || e.status === 422
        ? EXIT.INVALID
        : e.status === 401 || e.status === 403
          ? EXIT.UNAUTHORIZED
          : e.status === 404
            ? EXIT.NOT_FOUND
            : e.status === 409
              ? EXIT.JOB_FAILED
              : EXIT.UNAVAILABLE;
    return new CliExit(code, e.message, details);
  }
  const listen = e as (NodeJS.ErrnoException & { port?: number; address?: string }) | null;
  if (listen?.syscall === "listen" && (listen.code === "EADDRINUSE" || listen.code === "EACCES")) {
    const where = `port ${listen.port} on ${listen.address ?? "127.0.0.1"}`;
    return new CliExit(
      EXIT.INVALID,
      listen.code === "EADDRINUSE"
        ? `${where} is already in use: choose another with --port <n> (--port 0 picks a free one)`
        : `${where} needs privileges: choose a port above 1023 with --port <n>`,
    );
  }
  if (e instanceof DataDirInUseError) return new CliExit(EXIT.INVALID, e.message);
  const cause = (e as { cause?: { code?: string } } | null)?.cause?.code;
  if (e instanceof TypeError && /fetch failed/i.test(e.message)) {
    return new CliExit(EXIT.UNAVAILABLE, `could not reach the API${cause ? ` (${cause})` : ""}`);
  }
  if ((e as Error | null)?.name === "TimeoutError") {
    return new CliExit(EXIT.UNAVAILABLE, "the API did not answer in time");
  }
  return new CliExit(EXIT.JOB_FAILED, (e as Error)?.message ?? String(e));
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
  /** Names the job in progress output (default: its id). */
  label?: string;
}

/**
 * Polls until the job finishes, with a progress bar on a terminal or one line per status or step
 * change otherwise (`<label> processing rendering 40%`). Up to 5 consecutive transient read
 * errors (network, 429, 5xx) are ridden out.
 */
export async function waitWithProgress(
  client: ApiClient,
  id: string,
  wait: WaitOptions,
  output: Output,
): Promise<JobView> {
  const label = wait.label ?? id;
  const deadline = Date.now() + wait.timeoutMs;
  const bar = output.isTTY ? createJobProgressBar(label) : undefined;
  let lastStep = "";
  let transient = 0;
  try {
    for (;;) {
      let job: JobView | undefined;
      try {
        job = await client.getJob(id);
        transient = 0;
      } catch (e) {
        const exit = toCliExit(e);
        if (exit.exitCode !== EXIT.UNAVAILABLE || ++transient > 5) throw exit;
      }
      if (job) {
        if (bar) bar.update(job);
        else {
          const step = job.status === "processing" ? `${job.status} ${job.step}` : job.status;
          if (step !== lastStep) output.err(`${label} ${step} ${job.progress}%`);
          lastStep = step;
        }
        if (job.status !== "queued" && job.status !== "processing") return job;
      }
      if (Date.now() > deadline) {
        throw new CliExit(
          EXIT.TIMEOUT,
          `job ${id} still ${job?.status ?? "unknown"} after ${wait.timeoutMs / 1000} s`,
        );
      }
      await new Promise((r) => setTimeout(r, wait.intervalMs));
    }
  } finally {
    bar?.stop();
  }
}

/** Human summary of a job, one `key  value` line each. */
export function describeJob(job: JobView): string[] {
  const lines = [
    `id        ${job.id}`,
    `status    ${job.status} (${job.progress}%${job.status === "processing" ? `, ${job.step}` : ""})`,
    `created   ${job.created_at}`,
  ];
  if (job.finished_at) lines.push(`finished  ${job.finished_at}`);
  if (job.duration_seconds !== undefined) lines.push(`duration  ${job.duration_seconds.toFixed(2)} s`);
  if (job.error) lines.push(`error     ${job.error.code}: ${job.error.message}`);
  for (const w of job.warnings ?? []) lines.push(`warning   ${w}`);
  if (job.webhook) {
    lines.push(
      `webhook   ${job.webhook.delivered ? "delivered" : "not delivered"} after ${job.webhook.attempts} attempt(s)` +
        (job.webhook.last_status !== undefined ? `, last HTTP ${job.webhook.last_status}` : ""),
    );
  }
  if (job.video_url) lines.push(`video     ${job.video_url}`, `expires   ${job.expires_at ?? "?"}`);
  return lines;
}

const finishedBadly = (job: JobView) => job.status === "failed" || job.status === "cancelled";

function failureExit(job: JobView): CliExit {
  return new CliExit(
    EXIT.JOB_FAILED,
    `job ${job.id} ${job.status}${job.error ? `: ${job.error.code} ${job.error.message}` : ""}`,
  );
}

export interface SubmitOptions extends RemoteOptions {
  wait?: boolean;
  output?: string;
  timeout: number;
  interval: number;
  idempotencyKey?: string;
  dryRun?: boolean;
}

/** `videocraft submit <file>`: prints each job id on stdout; `--wait`/`-o` follow the job to its end. */
export async function submitCommand(
  file: string,
  o: SubmitOptions,
  output: Output = consoleOutput,
): Promise<number> {
  const body = await readRequestFile(file);
  // Refused here, before anything is sent, exactly as the API would refuse it.
  const filled = expandRequestFile(body, Number.MAX_SAFE_INTEGER);
  if (!filled.ok) throw invalidRequest(file, filled.issues);
  const client = clientFrom(o);
  if (o.dryRun) {
    const res = await client.request("POST", "/v1/videos?dry_run=true", body);
    if (res.status !== 200) throw new ApiRequestError(res.status, res.body);
    output.out(JSON.stringify(res.body, null, 2));
    return EXIT.OK;
  }
  const targets = o.output ? outputPathsFor(o.output, jobCount(filled.expanded)) : undefined;
  if (targets) await prepareOutputFiles(targets);
  const ids = await submitJobs(client, body, o.idempotencyKey ? { "idempotency-key": o.idempotencyKey } : {});
  for (const id of ids) output.out(id);
  if (!o.wait && !targets) return EXIT.OK;
  return followJobs(
    client,
    ids,
    { wait: { timeoutMs: o.timeout * 1000, intervalMs: o.interval }, ...(targets ? { targets } : {}) },
    output,
  );
}

/** `POST /v1/videos`: the ids of the jobs created, one per project in the request's order. */
async function submitJobs(client: ApiClient, body: unknown, headers: Record<string, string> = {}) {
  const res = await client.request("POST", "/v1/videos", body, headers);
  if (res.status !== 202) throw new ApiRequestError(res.status, res.body);
  const created = res.body as { id?: string; jobs?: { id: string }[] };
  return created.jobs ? created.jobs.map((j) => j.id) : created.id ? [created.id] : [];
}

/**
 * Waits for each job in turn and downloads each completed one to its target (when given); a
 * failed job is reported and the others still finish. Exit 1 when any failed.
 */
async function followJobs(
  client: ApiClient,
  ids: readonly string[],
  o: { wait: Omit<WaitOptions, "label">; targets?: readonly string[] },
  output: Output,
): Promise<number> {
  if (o.targets && o.targets.length !== ids.length) {
    throw new CliExit(EXIT.UNAVAILABLE, `expected ${o.targets.length} job(s), the API created ${ids.length}`);
  }
  let exit: number = EXIT.OK;
  for (const [i, id] of ids.entries()) {
    const target = o.targets?.[i];
    const label = target ? basename(target) : id;
    const job = await waitWithProgress(client, id, { ...o.wait, label }, output);
    if (finishedBadly(job)) {
      const failure = failureExit(job);
      output.err(`videocraft: ${failure.message}`);
      exit = failure.exitCode;
      continue;
    }
    output.err(`job ${id} completed (${job.duration_seconds?.toFixed(2) ?? "?"} s of video)`);
    for (const w of job.warnings ?? []) output.err(`note: ${w}`);
    if (target) await downloadTo(client, id, target, output);
  }
  return exit;
}

export interface StatusOptions extends RemoteOptions {
  wait?: boolean;
  json?: boolean;
  timeout: number;
  interval: number;
}

/** `videocraft status <id>`: exit 0 for queued/processing/completed, 1 for failed/cancelled. */
export async function statusCommand(
  id: string,
  o: StatusOptions,
  output: Output = consoleOutput,
): Promise<number> {
  const client = clientFrom(o);
  const job = o.wait
    ? await waitWithProgress(client, id, { timeoutMs: o.timeout * 1000, intervalMs: o.interval }, output)
    : await client.getJob(id);
  if (o.json) output.out(JSON.stringify(job, null, 2));
  else for (const line of describeJob(job)) output.out(line);
  return finishedBadly(job) ? EXIT.JOB_FAILED : EXIT.OK;
}

/** `videocraft download <id> -o file`: fetches the MP4 through its presigned link. */
export async function downloadCommand(
  id: string,
  o: RemoteOptions & { output: string },
  output: Output = consoleOutput,
): Promise<number> {
  await downloadTo(clientFrom(o), id, o.output, output);
  return EXIT.OK;
}

async function downloadTo(client: ApiClient, id: string, file: string, output: Output): Promise<void> {
  const path = resolve(file);
  await client.downloadVideo(id, path);
  output.err(`wrote ${file} (${(await stat(path)).size} bytes)`);
}

/** Polling a local service costs nothing, and a short interval shows short steps too. */
const LOCAL_POLL_MS = 250;

export interface RenderDeps {
  /** Variables for the checks and the local service (default: this process's, see localModeEnv). */
  env?: Record<string, string | undefined>;
  startService?: (options: LocalServiceOptions) => Promise<LocalService>;
}

/**
 * `videocraft render <file> -o out.mp4`: checks the request and the output path first, then
 * starts the embedded stack, renders every project (one MP4 each, see outputPathsFor), and stops.
 */
export async function renderCommand(
  file: string,
  o: { output: string },
  output: Output = consoleOutput,
  deps: RenderDeps = {},
): Promise<number> {
  const env = deps.env ?? localModeEnv();
  const request = await checkRequestFile(file, env);
  const targets = outputPathsFor(o.output, request.projects.length);
  await prepareOutputFiles(targets);
  output.err("starting the local stack (S3+SQS emulator, API, render worker)…");
  // Loaded here: the service's modules would slow the start of every remote command.
  const startService = deps.startService ?? (await import("./local-service.js")).startLocalService;
  const service = await startService({ env });
  try {
    const client = new ApiClient(service.url, service.apiKey);
    const ids = await submitJobs(client, request.body);
    return await followJobs(
      client,
      ids,
      { wait: { timeoutMs: Number.POSITIVE_INFINITY, intervalMs: LOCAL_POLL_MS }, targets },
      output,
    );
  } finally {
    await service.stop();
  }
}

/**
 * `videocraft validate <file>`: the checks `render` makes before it starts anything (same
 * function), offline; exit 2 with one `path: message` per problem.
 */
export async function validateCommand(
  file: string,
  output: Output = consoleOutput,
  env: Record<string, string | undefined> = localModeEnv(),
): Promise<number> {
  const { projects } = await checkRequestFile(file, env);
  const scenes = projects.reduce((n, p) => n + p.scenes.length, 0);
  output.out(`valid: ${projects.length} project(s), ${scenes} scene(s)`);
  return EXIT.OK;
}
