/**
 * The ways a caller may present the API key. A route lists the forms it accepts; the auth
 * middleware reads them and the OpenAPI document declares them, each keyed by these names.
 * - `x-api-key`: the `x-api-key` header.
 * - `bearer`: `Authorization: Bearer <key>`.
 * - `authorization`: the whole `Authorization` header is the key (VideoCraft's raw form).
 * - `query`: `?api_key=<key>` (VideoCraft's fallback). A key in a URL ends up in browser
 *   history and proxy logs, so only the VideoCraft routes accept it.
 */
export const AUTH_FORMS = ["x-api-key", "bearer", "authorization", "query"] as const;
export type AuthForm = (typeof AUTH_FORMS)[number];

/** What our own routes accept unless they say otherwise: the key in a header, never in the URL. */
export const STANDARD_AUTH_FORMS: readonly AuthForm[] = ["x-api-key", "bearer"];

/** VideoCraft's routes accept every form its server does, in the order it reads them, plus ours. */
export const VIDEOCRAFT_AUTH_FORMS: readonly AuthForm[] = ["bearer", "authorization", "x-api-key", "query"];

/** The query parameter of the `query` form. */
export const API_KEY_QUERY_PARAMETER = "api_key";
