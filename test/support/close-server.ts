import type { Server } from "node:http";

/**
 * Stops a test's HTTP server now: open keep-alive connections are cut (close() alone waits for
 * them), and the promise settles when the server has closed. Nothing to do for a server the
 * setup never created.
 */
export async function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
