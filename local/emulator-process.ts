import { startEmulatorServer } from "./emulator-server.js";
import { createEmulatorStores, pendingMessageBodies, redeliverInFlight } from "./emulator-stores.js";

/**
 * The emulator's own process (started by embedded-stack.ts): S3 and SQS requests and the file and
 * SQLite writes behind them never wait behind the API or the render bookkeeping. A process rather
 * than a thread so that killing the service (even with SIGKILL) never cuts a write in half: this
 * process sees its IPC channel close, stops accepting requests and closes its files before it exits.
 */
export interface EmulatorStart {
  type: "start";
  dataDir: string | undefined;
  port: number;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export type EmulatorMessage =
  | { type: "ready"; endpoint: string; redelivered: number; pendingBodies: string[] }
  | { type: "failed"; message: string };

/** How long closing may take before the process exits anyway. */
const CLOSE_GRACE_MS = 5_000;

if (!process.send) throw new Error("emulator-process.ts is started by local/embedded-stack.ts");
const send = (message: EmulatorMessage) => process.send?.(message);

process.once("message", async (start: EmulatorStart) => {
  try {
    const stores = await createEmulatorStores(start.dataDir);
    // Before the port opens, so nothing can receive a message in between.
    const redelivered = start.dataDir ? redeliverInFlight(stores) : 0;
    const pendingBodies = pendingMessageBodies(stores);
    const server = await startEmulatorServer({
      stores,
      region: start.region,
      credentials: start.credentials,
      port: start.port,
    });
    // The service stops us by closing the channel, and so does its death.
    process.once("disconnect", () => {
      setTimeout(() => process.exit(0), CLOSE_GRACE_MS).unref();
      void server
        .close()
        .then(() => stores.close())
        .finally(() => process.exit(0));
    });
    send({ type: "ready", endpoint: server.endpoint, redelivered, pendingBodies });
  } catch (e) {
    send({ type: "failed", message: (e as Error).message });
    process.exit(1);
  }
});
