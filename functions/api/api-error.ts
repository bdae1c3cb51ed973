import {
  ConflictError,
  type IssueDetail,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../core/errors.js";

/** Machine-readable codes of the HTTP API's error bodies. */
export const API_ERROR_CODES = [
  "INVALID_JSON",
  "VALIDATION_FAILED",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "RATE_LIMITED",
  "INTERNAL",
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** A client-visible error: status < 500 means the client's message is shown as is. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly statusCode: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: IssueDetail[],
    readonly headers?: Record<string, string>,
    /**
     * A finer code than `code`, for error formats that tell more cases apart than ours
     * (VideoCraft's MISSING_API_KEY and INVALID_API_KEY are both our UNAUTHORIZED).
     */
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** The HTTP answer to an error thrown by a route or by core; undefined for an unexpected one (a 500). */
export function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof UnprocessableError)
    return new ApiError(422, "VALIDATION_FAILED", err.message, err.details);
  if (err instanceof ValidationError) return new ApiError(400, "VALIDATION_FAILED", err.message, err.details);
  if (err instanceof NotFoundError) return new ApiError(404, "NOT_FOUND", err.message);
  if (err instanceof ConflictError) return new ApiError(409, "CONFLICT", err.message);
  return undefined;
}
