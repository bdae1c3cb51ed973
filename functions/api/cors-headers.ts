/**
 * CORS header values shared by the handler (middlewares/cors.ts) and API Gateway's preflight
 * (infra/api.ts). No imports: the CDK app reads it without loading the API.
 */

/** Request headers a browser may send. */
export const CORS_ALLOW_HEADERS = [
  "Content-Type",
  "Authorization",
  "X-Api-Key",
  "Idempotency-Key",
  "Accept",
  // VideoCraft's browser clients send these.
  "X-CSRF-Token",
  "X-Requested-With",
];
/** Response headers a browser script may read besides the CORS-safelisted ones. */
export const CORS_EXPOSE_HEADERS = ["x-request-id", "location", "content-length", "content-disposition"];
export const CORS_MAX_AGE_SECONDS = 3600;
