import { z } from "zod";
import { issueDetailSchema } from "../../core/errors.js";
import { dateTimeField } from "../../core/schema/response-formats.js";
import type { ApiErrorCode } from "../api-error.js";
import { type ErrorFormat, type ErrorInfo, standardErrors } from "../error-format.js";

/** VideoCraft's codes for ours; a route's own not-found code and an error's `reason` take precedence. */
const VIDEOCRAFT_CODES: Record<ApiErrorCode, string> = {
  INVALID_JSON: "INVALID_JSON",
  VALIDATION_FAILED: "VALIDATION_ERROR",
  UNAUTHORIZED: "INVALID_API_KEY",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  METHOD_NOT_ALLOWED: "METHOD_NOT_ALLOWED",
  CONFLICT: "CONFLICT",
  PAYLOAD_TOO_LARGE: "REQUEST_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "INVALID_CONTENT_TYPE",
  RATE_LIMITED: "RATE_LIMIT_EXCEEDED",
  INTERNAL: "INTERNAL_ERROR",
};

export const videoCraftErrorSchema = z
  .object({
    success: z.literal(false),
    error: z.string().meta({ description: "what went wrong, for people" }),
    code: z.string().meta({ examples: ["VALIDATION_ERROR", "JOB_NOT_FOUND", "INVALID_API_KEY"] }),
    details: z.string().optional().meta({ description: "each problem as `path: message`, joined by '; '" }),
    validation_errors: z.array(issueDetailSchema).optional(),
    request_id: z.string(),
    timestamp: dateTimeField(),
  })
  .meta({ id: "VideoCraftError" });
export type VideoCraftError = z.infer<typeof videoCraftErrorSchema>;

/** What a route calls a missing resource: VideoCraft says JOB_NOT_FOUND / "Job not found", etc. */
export interface NotFoundAs {
  code: string;
  message: string;
}

/**
 * VideoCraft's error body: `{"error": "<message>", "code": "<CODE>"}` as its auth middleware and
 * handlers write it, with the `request_id`, `timestamp` and `success: false` its error handler and
 * docs add. Validation problems keep their paths (`details` as text, `validation_errors` as a
 * list). A wrong content type is VideoCraft's 400, not our 415.
 */
export function videoCraftErrors(notFound?: NotFoundAs): ErrorFormat {
  return {
    schema: videoCraftErrorSchema,
    statusCode: (status, error) => (error.code === "UNSUPPORTED_MEDIA_TYPE" ? 400 : status),
    body: (error: ErrorInfo, requestId: string): VideoCraftError => {
      const missing = error.code === "NOT_FOUND" && notFound && !error.reason;
      const details = error.details?.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join("; ");
      return {
        success: false,
        error: missing ? notFound.message : details ? `${error.message}: ${details}` : error.message,
        code: error.reason ?? (missing ? notFound.code : VIDEOCRAFT_CODES[error.code]),
        ...(details ? { details, validation_errors: error.details } : {}),
        request_id: requestId,
        timestamp: new Date().toISOString(),
      };
    },
  };
}

/**
 * The error format for a path no route serves (404) or that lacks the method (405): VideoCraft's
 * under its `/api/` prefix, so its clients read every error they get there; ours anywhere else.
 */
export const errorFormatOfPath = (path: string): ErrorFormat =>
  path.startsWith("/api/") ? videoCraftErrors() : standardErrors;
