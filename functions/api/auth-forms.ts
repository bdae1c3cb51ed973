/**
 * The ways a caller may present the API key: `x-api-key: <key>`, or `Authorization: Bearer <key>`.
 * A route lists the forms it accepts (all of these unless it says otherwise); the auth middleware
 * reads them and the OpenAPI document declares them, each keyed by these names.
 */
export const AUTH_FORMS = ["x-api-key", "bearer"] as const;
export type AuthForm = (typeof AUTH_FORMS)[number];
