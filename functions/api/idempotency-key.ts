import { ApiError } from "./api-error.js";
import type { ApiRequest } from "./api-request.js";

// Printable ASCII only: the key is echoed in logs by clients and compared byte for byte.
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The request's `Idempotency-Key` header, checked; undefined when it has none. */
export function idempotencyKeyOf(req: ApiRequest): string | undefined {
  const key = req.headers["idempotency-key"];
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ApiError(400, "VALIDATION_FAILED", "invalid Idempotency-Key header", [
      { path: "Idempotency-Key", message: "must be 1–255 printable ASCII characters without spaces" },
    ]);
  }
  return key;
}
