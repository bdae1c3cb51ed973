import { ConflictError, type IssueDetail, ValidationError } from "../errors.js";
import {
  ABANDONED_AFTER_MS,
  type CreatedJob,
  type CreateJobsResult,
  createAll,
  createJobs,
  type IdempotencyRecord,
  nextJobId,
  REPAIR_WINDOW_MS,
  refuseOverlongWork,
  sha256,
} from "../jobs/create-jobs.js";
import type { JobDeps } from "../jobs/job-deps.js";
import { storageKeys } from "../jobs/storage-keys.js";
import { validateRequestBody, validationFailed } from "../jobs/validate-request.js";
import { capIssues } from "../schema/parse-project-request.js";
import type { Project } from "../schema/project.js";
import { expandRequest, isObject } from "./expand-request.js";
import type { Variables } from "./expand-template.js";

export interface CreateTemplateJobsInput {
  /** The decoded body: a project (or array of projects) with placeholders, `variables` and `data`. */
  body: unknown;
  /** The body as sent, for Idempotency-Key replays. */
  rawBody: string;
  principal: string;
  idempotencyKey?: string;
  /**
   * A stored template rendered with the body's `variables`/`data`: its id (recorded on each job,
   * and the Idempotency-Key's namespace) and its own variables, defaults under the body's.
   */
  template?: { id: string; project: unknown; defaults?: Variables };
}

/**
 * POST /v1/videos and POST /v1/templates/{id}/videos: fills the placeholders, then creates jobs as
 * any request does. A `data` batch makes one job per row, each recording its row; with an
 * Idempotency-Key every row is idempotent on its own (the key and the row index name it, the
 * filled row is its content): a repeat returns each row's job, a retry after a partial failure
 * creates only the rows that are missing, and a row sent again with other content is a conflict.
 */
export async function createTemplateJobs(
  deps: JobDeps,
  input: CreateTemplateJobsInput,
): Promise<CreateJobsResult> {
  const { template } = input;
  const expanded = expandRequest(template ? template.project : input.body, {
    maxRows: deps.config.maxProjectsPerRequest,
    ...(template?.defaults ? { defaults: template.defaults } : {}),
    ...(template ? { given: isObject(input.body) ? input.body : {} } : {}),
  });
  const idempotencyKey =
    input.idempotencyKey !== undefined && template
      ? `template:${template.id}:${input.idempotencyKey}`
      : input.idempotencyKey;
  if (expanded.kind === "single") {
    return createJobs(deps, {
      body: expanded.body,
      rawBody: input.rawBody,
      principal: input.principal,
      warnings: expanded.warnings,
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
      ...(template ? { templateId: template.id } : {}),
    });
  }
  const projects = validateRows(expanded.rows, deps);
  const rows = expanded.rows.map((r, i) => ({ ...r, project: projects[i] as Project }));
  const jobs = await createRows(deps, rows, input.principal, idempotencyKey, template?.id);
  return { jobs: jobs.map((j) => j.job), batch: true, replayed: jobs.every((j) => j.replayed) };
}

/** Each row validated as its own project; every problem of every row at once, each naming its row. */
function validateRows(rows: readonly { row: number; body: unknown }[], deps: JobDeps): Project[] {
  const issues: IssueDetail[] = [];
  const projects = rows.map(({ row, body }) => {
    try {
      const [project] = validateRequestBody(body, deps.config).projects;
      if (project) refuseOverlongWork([project], false, deps.config);
      return project;
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      issues.push(...e.details.map((d) => ({ path: d.path, message: `data[${row}]: ${d.message}` })));
      return undefined;
    }
  });
  if (issues.length > 0) throw validationFailed(capIssues(issues));
  return projects as Project[];
}

interface Row {
  row: number;
  project: Project;
  warnings: string[];
}

async function createRows(
  deps: JobDeps,
  rows: readonly Row[],
  principal: string,
  idempotencyKey: string | undefined,
  templateId: string | undefined,
): Promise<{ job: CreatedJob; replayed: boolean }[]> {
  const now = deps.clock.now();
  const fresh = rows.map((r) => ({
    id: nextJobId(now.getTime()),
    created_at: now.toISOString(),
    row: r.row,
  }));
  const create = (which: readonly number[], jobs: readonly CreatedJob[]) =>
    createAll(
      deps,
      which.map((i) => rows[i]?.project as Project),
      [...jobs],
      principal,
      which.map((i) => ({
        warnings: rows[i]?.warnings ?? [],
        row: rows[i]?.row ?? i,
        ...(templateId !== undefined ? { template_id: templateId } : {}),
      })),
    );
  if (idempotencyKey === undefined) {
    await create(
      rows.map((_, i) => i),
      fresh,
    );
    return fresh.map((job) => ({ job, replayed: false }));
  }
  const keyOf = (row: number) => storageKeys.idempotency(sha256(`${principal}:${idempotencyKey}:row:${row}`));
  const hashOf = (r: Row) => sha256(JSON.stringify(r.project));
  // Conflicts first, so a batch that clashes with an earlier one creates nothing.
  const recordOf = async (row: number) => {
    const text = await deps.store.getText(keyOf(row));
    return text === undefined ? undefined : (JSON.parse(text) as IdempotencyRecord);
  };
  const earlier = await Promise.all(rows.map((r) => recordOf(r.row)));
  const clashes = rows.filter((r, i) => earlier[i] && earlier[i]?.body_sha256 !== hashOf(r));
  if (clashes.length > 0) {
    throw new ConflictError(
      `this Idempotency-Key was already used with different content for ${clashes.map((r) => `data[${r.row}]`).join(", ")}`,
    );
  }
  return Promise.all(
    rows.map(async (r, i) => {
      const job = fresh[i] as CreatedJob;
      const reservation: IdempotencyRecord = {
        body_sha256: hashOf(r),
        batch: true,
        jobs: [job],
        reserved_at: now.toISOString(),
      };
      if (await deps.store.putIfAbsent(keyOf(r.row), JSON.stringify(reservation), "application/json")) {
        try {
          await create([i], [job]);
        } catch (err) {
          await deps.store.delete(keyOf(r.row)).catch(() => undefined);
          throw err;
        }
        return { job, replayed: false };
      }
      const record = await recordOf(r.row);
      const kept = record?.jobs[0];
      if (!record || !kept) throw new Error("idempotency reservation vanished between write and read");
      if (record.body_sha256 !== reservation.body_sha256) {
        throw new ConflictError(
          `this Idempotency-Key was already used with different content for data[${r.row}]`,
        );
      }
      const age = now.getTime() - Date.parse(record.reserved_at);
      // As for a whole request: a row whose job never appeared belongs to a request that died mid-way.
      const repairable = age > ABANDONED_AFTER_MS && age < REPAIR_WINDOW_MS;
      if (repairable && !(await deps.store.exists(storageKeys.status(kept.id)))) {
        await create([i], [kept]);
      }
      return { job: kept, replayed: true };
    }),
  );
}
