/** Error codes of the HTTP API (SPEC §4). */
export type ApiErrorCode =
  | "INVALID_JSON"
  | "VALIDATION_FAILED"
  | "UNAUTHORIZED"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "RATE_LIMITED"
  | "INTERNAL";

/** Codes a job can fail with (SPEC §4). */
export type JobFailureCode =
  | "SOURCE_UNREACHABLE"
  | "SOURCE_FORBIDDEN"
  | "SOURCE_TOO_LARGE"
  | "SOURCE_INVALID_MEDIA"
  | "TRANSCRIPTION_FAILED"
  | "RENDER_FAILED"
  | "TIMEOUT"
  | "CANCELLED";

export interface IssueDetail {
  /** JSON path of the offending field, e.g. `scenes[0].elements[2].src`. */
  path: string;
  message: string;
}

/** A client-visible error: status < 500 means the client's message is shown as is. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly statusCode: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: IssueDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
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
