import { z } from "zod";

/** Codes a job can fail with, each naming who can fix it: the client (sources), or a retry. */
export const JOB_FAILURE_CODES = [
  "SOURCE_UNREACHABLE",
  "SOURCE_FORBIDDEN",
  "SOURCE_TOO_LARGE",
  "SOURCE_INVALID_MEDIA",
  "TRANSCRIPTION_FAILED",
  "RENDER_FAILED",
  "TIMEOUT",
  "CANCELLED",
] as const;
export type JobFailureCode = (typeof JOB_FAILURE_CODES)[number];

/** A job's `error.code`: a failure code, or INTERNAL when the service itself broke. */
export const JOB_ERROR_CODES = [...JOB_FAILURE_CODES, "INTERNAL"] as const;
export type JobErrorCode = (typeof JOB_ERROR_CODES)[number];
export const isJobErrorCode = (code: string): code is JobErrorCode =>
  (JOB_ERROR_CODES as readonly string[]).includes(code);

/** The failures a source can cause, which a dry run can foresee without rendering. */
export const SOURCE_FAILURE_CODES = [
  "SOURCE_UNREACHABLE",
  "SOURCE_FORBIDDEN",
  "SOURCE_TOO_LARGE",
  "SOURCE_INVALID_MEDIA",
] as const satisfies readonly JobFailureCode[];
export type SourceFailureCode = (typeof SOURCE_FAILURE_CODES)[number];
export const isSourceFailureCode = (code: string): code is SourceFailureCode =>
  (SOURCE_FAILURE_CODES as readonly string[]).includes(code);

/** What a failed job tells its client: the code and a message naming the cause. */
export const jobErrorSchema = z.object({ code: z.enum(JOB_ERROR_CODES), message: z.string() });
export type JobError = z.infer<typeof jobErrorSchema>;

export const issueDetailSchema = z.object({
  path: z
    .string()
    .meta({ description: "JSON path of the offending field", examples: ["scenes[0].elements[2].src"] }),
  message: z.string(),
});
/** One problem of a client's input, at the JSON path of the offending field (`scenes[0].elements[2].src`). */
export type IssueDetail = z.infer<typeof issueDetailSchema>;

/** The job, video or other thing asked for does not exist (or no longer does). */
export class NotFoundError extends Error {
  override name = "NotFoundError";
}

/** The request is well formed, but the current state refuses it (cancelling a finished job). */
export class ConflictError extends Error {
  override name = "ConflictError";
}

/** The client's input breaks the rules; `details` name every problem with its path. */
export class ValidationError extends Error {
  override name = "ValidationError";
  constructor(
    message: string,
    readonly details: IssueDetail[],
  ) {
    super(message);
  }
}

/** Valid input the service cannot carry out as asked (work that would outlast the render timeout). */
export class UnprocessableError extends ValidationError {
  override name = "UnprocessableError";
}

/**
 * A deterministic job failure: retrying the same message would fail the same way,
 * so the job ends `failed` at once instead of burning queue receives.
 */
export class JobFailure extends Error {
  override name = "JobFailure";
  constructor(
    readonly code: JobFailureCode,
    message: string,
  ) {
    super(message);
  }
}

export const isJobFailure = (e: unknown): e is JobFailure => e instanceof JobFailure;
