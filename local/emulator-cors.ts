import type { buildApp } from "fauxqs";

type EmulatorApp = ReturnType<typeof buildApp>;

/**
 * The bucket's CORS rule (infra/storage.ts: GET, HEAD and PUT from the API's origins, ETag
 * readable), which the emulator does not implement: without it a browser can neither PUT a
 * presigned upload to the emulator nor read the ETag a multipart upload needs. Only loopback
 * origins get it, so a web page from elsewhere still cannot reach the local bucket through the
 * user's browser.
 */
export function addEmulatorCors(app: EmulatorApp): void {
  app.addHook("onRequest", async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin || !isLoopbackOrigin(origin)) return;
    reply.header("access-control-allow-origin", origin);
    reply.header("vary", "Origin");
    reply.header("access-control-expose-headers", "ETag, Content-Length, Content-Type");
    if (request.method !== "OPTIONS") return;
    reply.header("access-control-allow-methods", "GET, HEAD, PUT");
    reply.header("access-control-allow-headers", request.headers["access-control-request-headers"] ?? "*");
    reply.header("access-control-max-age", "3000");
    await reply.code(204).send();
  });
}

export function isLoopbackOrigin(origin: string): boolean {
  try {
    const { hostname, protocol } = new URL(origin);
    return protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(hostname);
  } catch {
    return false;
  }
}
