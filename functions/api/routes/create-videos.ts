import { ApiError } from "../../core/errors.js";
import { createJobs } from "../../core/jobs/create-jobs.js";
import { dryRun } from "../../core/jobs/dry-run.js";
import { probeSourceHeads } from "../../render/pipeline/probe-source-head.js";
import type { ApiRequest } from "../api-request.js";
import { json } from "../http-response.js";
import type { RouteHandler } from "../router.js";

/** `POST /v1/videos` (and VideoCraft's `/api/v1/generate-video`): one job per project. */
export const createVideosRoute: RouteHandler = async (req, deps) => {
  const body = req.body ?? { text: "", json: undefined };
  if (dryRunRequested(req)) {
    // 200 even when `problems` lists failures: a dry run is an estimate, not a submission.
    const probe = (srcs: readonly string[]) =>
      probeSourceHeads(srcs, { config: deps.config, store: deps.store });
    return json(200, await dryRun(body.json, deps.config, probe));
  }
  const idempotencyKey = idempotencyKeyOf(req);
  const result = await createJobs(deps, {
    body: body.json,
    rawBody: body.text,
    principal: req.principal ?? "anonymous",
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
  });
  const jobs = result.jobs.map((job) => ({
    id: job.id,
    job_id: job.id,
    status: "queued",
    status_url: `${req.basePath}/v1/jobs/${job.id}`,
    created_at: job.created_at,
  }));
  const headers: Record<string, string> = result.replayed ? { "idempotent-replayed": "true" } : {};
  if (result.batch) return json(202, { jobs }, headers);
  const [job] = jobs;
  return json(202, job, { ...headers, Location: job?.status_url ?? "" });
};

function dryRunRequested(req: ApiRequest): boolean {
  const v = req.query.dry_run;
  if (v === undefined || v === "false" || v === "0") return false;
  if (v === "" || v === "true" || v === "1") return true;
  throw new ApiError(400, "VALIDATION_FAILED", "invalid query parameters", [
    { path: "dry_run", message: "dry_run must be true or false" },
  ]);
}

// Printable ASCII only: the key is echoed in logs by clients and compared byte for byte.
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function idempotencyKeyOf(req: ApiRequest): string | undefined {
  const key = req.headers["idempotency-key"];
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ApiError(400, "VALIDATION_FAILED", "invalid Idempotency-Key header", [
      { path: "Idempotency-Key", message: "must be 1–255 printable ASCII characters without spaces" },
    ]);
  }
  return key;
}
