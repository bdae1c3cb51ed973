import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { parseProjectRequest } from "../functions/core/schema/parse-project-request.js";
import { ApiClient, ApiRequestError, type JobView } from "./api-client.js";
import { createJobProgressBar } from "./progress-bar.js";

/**
 * The CLI's commands that talk to an API over HTTP (`submit`, `status`, `download`) and the
 * offline `validate`. They work the same against `videocraft serve` and a deployed API.
 *
 * Exit codes (also in the README):
 *   0 success · 1 the job failed or was cancelled (or the video is not ready) · 2 invalid input
 *   (request file, arguments, or the API's 400/413/422) · 3 job not found · 4 unauthorized
 *   · 5 API unreachable, throttled or failing (network error, 429, 5xx) · 6 timed out waiting.
 * stdout carries data (job ids, JSON); messages and progress bars go to stderr.
 */
export const EXIT = {
  OK: 0,
  JOB_FAILED: 1,
  INVALID: 2,
  NOT_FOUND: 3,
  UNAUTHORIZED: 4,
  UNAVAILABLE: 5,
  TIMEOUT: 6,
} as const;

export class CliExit extends Error {
  override name = "CliExit";
  constructor(
    readonly exitCode: number,
    message: string,
    /** Lines printed after the message (e.g. one per validation issue). */
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

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

export async function readRequestFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new CliExit(
      EXIT.INVALID,
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliExit(EXIT.INVALID, `${file} is not valid JSON: ${(e as Error).message}`);
  }
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
}

/**
 * Polls until the job finishes, with a progress bar on a terminal or one line per change
 * otherwise. Up to 5 consecutive transient read errors (network, 429, 5xx) are ridden out.
 */
export async function waitWithProgress(
  client: ApiClient,
  id: string,
  wait: WaitOptions,
  output: Output,
): Promise<JobView> {
  const deadline = Date.now() + wait.timeoutMs;
  const bar = output.isTTY ? createJobProgressBar(id) : undefined;
  let lastLine = "";
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
          const line = `${id} ${job.status} ${job.status === "processing" ? `${job.step} ` : ""}${job.progress}%`;
          if (line !== lastLine) output.err(line);
          lastLine = line;
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
  const client = clientFrom(o);
  if (o.dryRun) {
    const res = await client.request("POST", "/v1/videos?dry_run=true", body);
    if (res.status !== 200) throw new ApiRequestError(res.status, res.body);
    output.out(JSON.stringify(res.body, null, 2));
    return EXIT.OK;
  }
  if (o.output && Array.isArray(body) && body.length !== 1) {
    throw new CliExit(EXIT.INVALID, "-o/--output takes a single project; this file holds several");
  }
  const res = await client.request(
    "POST",
    "/v1/videos",
    body,
    o.idempotencyKey ? { "idempotency-key": o.idempotencyKey } : {},
  );
  if (res.status !== 202) throw new ApiRequestError(res.status, res.body);
  const created = res.body as { id?: string; jobs?: { id: string }[] };
  const ids = created.jobs ? created.jobs.map((j) => j.id) : created.id ? [created.id] : [];
  for (const id of ids) output.out(id);
  if (!o.wait && !o.output) return EXIT.OK;

  let exit: number = EXIT.OK;
  for (const id of ids) {
    const job = await waitWithProgress(
      client,
      id,
      { timeoutMs: o.timeout * 1000, intervalMs: o.interval },
      output,
    );
    if (finishedBadly(job)) {
      const failure = failureExit(job);
      output.err(`videocraft: ${failure.message}`);
      exit = failure.exitCode;
      continue;
    }
    output.err(`job ${id} completed (${job.duration_seconds?.toFixed(2) ?? "?"} s of video)`);
    for (const w of job.warnings ?? []) output.err(`note: ${w}`);
    if (o.output) await downloadTo(client, id, o.output, output);
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

/** `videocraft validate <file>`: offline schema check; exit 2 with one `path: message` per issue. */
export async function validateCommand(file: string, output: Output = consoleOutput): Promise<number> {
  const result = parseProjectRequest(await readRequestFile(file), { maxProjects: 1000 });
  if (result.ok) {
    const scenes = result.projects.reduce((n, p) => n + p.scenes.length, 0);
    output.out(`valid: ${result.projects.length} project(s), ${scenes} scene(s)`);
    return EXIT.OK;
  }
  for (const issue of result.issues) output.err(`${issue.path || "(body)"}: ${issue.message}`);
  return EXIT.INVALID;
}
