import { z } from "zod";
import { dateTimeField } from "../../../core/schema/response-formats.js";
import { json } from "../../http-response.js";
import { CSRF_TOKEN_SECONDS, issueCsrfToken } from "../../videocraft/csrf.js";
import { defineVideoCraftRoute } from "../../videocraft/define-videocraft-route.js";

export const csrfTokenSchema = z
  .object({
    success: z.literal(true),
    csrf_token: z.string(),
    expires_in: z.number().int(),
    usage: z.string(),
    data: z.object({ csrf_token: z.string(), expires_at: dateTimeField() }),
  })
  .meta({ id: "VideoCraftCsrfToken" });

/**
 * Public, like VideoCraft's docs say, and always answered: its documented clients fetch a token
 * before every POST, and its server answering 404 while CSRF is off breaks them.
 */
export const videoCraftCsrfTokenRoute = defineVideoCraftRoute({
  method: "GET",
  path: "/api/v1/csrf-token",
  public: true,
  doc: {
    summary: "A token for the X-CSRF-Token header of POST/DELETE requests (VideoCraft; no key needed)",
    responses: { 200: { description: "a token", body: csrfTokenSchema } },
  },
  handle: async (_req, deps) => {
    const token = issueCsrfToken(deps.config);
    const expiresAt = new Date(deps.clock.now().getTime() + CSRF_TOKEN_SECONDS * 1000).toISOString();
    return json(
      200,
      {
        success: true,
        csrf_token: token,
        expires_in: CSRF_TOKEN_SECONDS,
        usage: "Include this token in the X-CSRF-Token header for state-changing requests",
        data: { csrf_token: token, expires_at: expiresAt },
      } satisfies z.infer<typeof csrfTokenSchema>,
      { "cache-control": "no-store" },
    );
  },
});
