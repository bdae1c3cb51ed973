import { createHash } from "node:crypto";
import { monotonicFactory } from "ulid";
import { ConflictError, UnprocessableError } from "../errors.js";
import type { Project } from "../schema/project.js";
import { checkRenderTime } from "./check-render-time.js";
import { sceneDurations } from "./dry-run.js";
import type { JobDeps } from "./job-deps.js";
import type { JobRecord } from "./job-record.js";
import { JobStore } from "./job-store.js";
import { storageKeys } from "./storage-keys.js";
import { validateRequestBody } from "./validate-request.js";
import { parseVideoCraftRequest } from "./videocraft-request.js";

// Monotonic, so ids made in the same millisecond still sort in creation order (list is newest first).
export const nextJobId = monotonicFactory();

/**
 * A reservation older than this whose jobs are still missing belongs to a request that died
 * mid-way (API Gateway cuts requests at 29 s), so a repeat may finish creating them.
 */
export const ABANDONED_AFTER_MS = 60_000;
/** Past this, a missing job was more likely expired by the lifecycle rule than never created. */
export const REPAIR_WINDOW_MS = 24 * 3600_000;

export interface CreateJobsInput {
  /** The decoded JSON body. */
  body: unknown;
  /** The body as sent: an Idempotency-Key replay must carry the same bytes. */
  rawBody: string;
  /** Who is calling (API key identity): the jobs' owner; keys of different callers never collide. */
  principal: string;
  idempotencyKey?: string;
  /**
   * `standard` (/v1): strict keys, one job per project. `videocraft` (VideoCraft's routes):
   * unknown keys become job warnings and an array of projects is one job, as VideoCraft does.
   * @default "standard"
   */
  dialect?: "standard" | "videocraft";
  /** What each job's status warns about from the start, besides the dialect's own (unused template variables). */
  warnings?: string[];
  /** The stored template the jobs render. */
  templateId?: string;
}

export interface CreatedJob {
  id: string;
  created_at: string;
  /** The data row of a template batch this job renders. */
  row?: number;
}

/** What a job's first status holds besides the defaults. */
export interface JobExtras {
  warnings: string[];
  row?: number;
  template_id?: string;
}

export interface CreateJobsResult {
  jobs: CreatedJob[];
  batch: boolean;
  /** True when an earlier request with the same Idempotency-Key created these jobs. */
  replayed: boolean;
}

/** Stored at `jobs/idempotency/<hash>`; written before any job exists so concurrent repeats agree. */
export interface IdempotencyRecord {
  body_sha256: string;
  batch: boolean;
  jobs: CreatedJob[];
  reserved_at: string;
}

export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The projects to make jobs of, and what each job's status warns about from the start. */
function projectsOf(input: CreateJobsInput, config: JobDeps["config"]) {
  if (input.dialect === "videocraft") {
    const { project, warnings } = parseVideoCraftRequest(input.body, config);
    return { projects: [project], batch: false, warnings };
  }
  const { projects, batch } = validateRequestBody(input.body, config);
  return { projects, batch, warnings: [] };
}

/** Validates the body, stores each project as its own queued job and enqueues it. */
export async function createJobs(deps: JobDeps, input: CreateJobsInput): Promise<CreateJobsResult> {
  const parsed = projectsOf(input, deps.config);
  const { projects, batch } = parsed;
  refuseOverlongWork(projects, batch, deps.config);
  const extras: JobExtras = {
    warnings: [...parsed.warnings, ...(input.warnings ?? [])],
    ...(input.templateId !== undefined ? { template_id: input.templateId } : {}),
  };
  const create = (ps: Project[], js: CreatedJob[]) =>
    createAll(
      deps,
      ps,
      js,
      input.principal,
      js.map(() => extras),
    );
  const now = deps.clock.now();
  const jobs = projects.map(() => ({ id: nextJobId(now.getTime()), created_at: now.toISOString() }));
  if (input.idempotencyKey === undefined) {
    await create(projects, jobs);
    return { jobs, batch, replayed: false };
  }

  const key = storageKeys.idempotency(sha256(`${input.principal}:${input.idempotencyKey}`));
  const reservation: IdempotencyRecord = {
    body_sha256: sha256(input.rawBody),
    batch,
    jobs,
    reserved_at: now.toISOString(),
  };
  if (await deps.store.putIfAbsent(key, JSON.stringify(reservation), "application/json")) {
    try {
      await create(projects, jobs);
    } catch (err) {
      // Free the key so the client's retry starts afresh instead of replaying jobs that never ran.
      await deps.store.delete(key).catch(() => undefined);
      throw err;
    }
    return { jobs, batch, replayed: false };
  }

  const text = await deps.store.getText(key);
  if (text === undefined) throw new Error("idempotency reservation vanished between write and read");
  const earlier = JSON.parse(text) as IdempotencyRecord;
  if (earlier.body_sha256 !== reservation.body_sha256) {
    throw new ConflictError("this Idempotency-Key was already used with a different request body");
  }
  const age = now.getTime() - Date.parse(earlier.reserved_at);
  if (age > ABANDONED_AFTER_MS && age < REPAIR_WINDOW_MS) {
    const missing = await Promise.all(
      earlier.jobs.map(async (j) => !(await deps.store.exists(storageKeys.status(j.id)))),
    );
    const indexes = earlier.jobs.map((_, i) => i).filter((i) => missing[i]);
    await create(
      indexes.map((i) => projects[i] as Project),
      indexes.map((i) => earlier.jobs[i] as CreatedJob),
    );
  }
  return { jobs: earlier.jobs, batch: earlier.batch, replayed: true };
}

/**
 * 422 for work the render function cannot finish inside its timeout: the job would otherwise run
 * the whole timeout and end TIMEOUT. Scenes timed by their audio are not known before rendering
 * and pass here; the dry run probes them.
 */
export function refuseOverlongWork(projects: Project[], batch: boolean, config: JobDeps["config"]): void {
  const details = projects.flatMap((project, i) =>
    checkRenderTime(
      project,
      sceneDurations(project, new Map()).map((s) => s.duration_seconds),
      config,
    ).map((p) => ({ path: batch ? `[${i}].${p.path}` : p.path, message: p.message })),
  );
  if (details.length === 0) return;
  throw new UnprocessableError(
    `${details.length === 1 ? "one unit" : `${details.length} units`} of work would outlast the render timeout`,
    details,
  );
}

export async function createAll(
  deps: JobDeps,
  projects: Project[],
  jobs: CreatedJob[],
  owner: string,
  extras: readonly JobExtras[],
): Promise<void> {
  const store = new JobStore(deps.store);
  await Promise.all(
    jobs.map(async (job, i) => {
      const project = projects[i];
      if (!project) throw new Error(`no project for job ${job.id}`);
      await Promise.all([store.putRequest(job.id, project), store.putOwned(owner, job.id)]);
      const record: JobRecord = {
        id: job.id,
        owner,
        status: "queued",
        progress: 0,
        step: "queued",
        ...extras[i],
        warnings: extras[i]?.warnings ?? [],
        attempts: 0,
        created_at: job.created_at,
        updated_at: job.created_at,
      };
      // Conditional so that finishing an abandoned request never queues a job twice.
      const created = await deps.store.putIfAbsent(
        storageKeys.status(job.id),
        JSON.stringify(record),
        "application/json",
      );
      if (!created) return;
      try {
        await deps.queue.send({ jobId: job.id });
      } catch (err) {
        // No message means no worker will ever pick it up: don't leave it looking queued.
        const failedAt = deps.clock.now().toISOString();
        await store
          .putStatus({
            ...record,
            status: "failed",
            error: { code: "INTERNAL", message: "the job could not be queued; submit it again" },
            finished_at: failedAt,
            updated_at: failedAt,
          })
          .catch(() => undefined);
        throw err;
      }
    }),
  );
}
