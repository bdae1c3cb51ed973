import { z } from "zod";
import { issueDetailSchema } from "../core/errors.js";
import { API_ERROR_CODES, type ApiError } from "./api-error.js";

/**
 * How a route writes its error bodies. Ours is {@link standardErrors}; a route serving another
 * API's clients (VideoCraft's own error shape, say) declares its own, and its OpenAPI entry
 * documents that shape.
 */
export interface ErrorFormat {
  /** The body's schema; give it `meta({ id })` so the OpenAPI document shares it as a component. */
  readonly schema: z.ZodType;
  body(error: ErrorInfo, requestId: string): unknown;
  /** The status this format answers an error with, when it differs from ours. @default ours */
  statusCode?(status: number, error: ErrorInfo): number;
}

/** What an error format is told about an error. */
export type ErrorInfo = Pick<ApiError, "code" | "message" | "details" | "reason">;

export const errorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.enum(API_ERROR_CODES),
      message: z.string(),
      details: z.array(issueDetailSchema).optional(),
      request_id: z.string().meta({ description: "also in the x-request-id header; quote it in reports" }),
    }),
  })
  .meta({ id: "Error" });
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

/** `{"error": {code, message, details?, request_id}}` */
export const standardErrors: ErrorFormat = {
  schema: errorEnvelopeSchema,
  body: ({ code, message, details }, requestId): ErrorEnvelope => ({
    error: { code, message, ...(details ? { details } : {}), request_id: requestId },
  }),
};
