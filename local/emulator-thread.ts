import { parentPort, workerData } from "node:worker_threads";
import { startEmulatorServer } from "./emulator-server.js";
import { createEmulatorStores, pendingMessageBodies, redeliverInFlight } from "./emulator-stores.js";

/**
 * The emulator's own thread (started by embedded-stack.ts): S3 and SQS requests, file and SQLite
 * writes never wait behind the API or the render bookkeeping on the main thread, and the thread
 * ends with its process, however that process ends.
 */
export interface EmulatorThreadData {
  dataDir: string | undefined;
  port: number;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export type EmulatorThreadMessage =
  | { type: "ready"; endpoint: string; redelivered: number; pendingBodies: string[] }
  | { type: "failed"; message: string }
  | { type: "stopped" };

const data = workerData as EmulatorThreadData;
const port = parentPort;
if (!port) throw new Error("emulator-thread.ts runs as a worker thread");
const post = (message: EmulatorThreadMessage) => port.postMessage(message);

try {
  const stores = await createEmulatorStores(data.dataDir);
  // Before the port opens, so nothing can receive a message in between.
  const redelivered = data.dataDir ? redeliverInFlight(stores) : 0;
  const pendingBodies = pendingMessageBodies(stores);
  const server = await startEmulatorServer({
    stores,
    region: data.region,
    credentials: data.credentials,
    port: data.port,
  });
  port.on("message", (message: { type?: string }) => {
    if (message.type !== "stop") return;
    void server
      .close()
      .then(() => stores.close())
      .finally(() => post({ type: "stopped" }));
  });
  post({ type: "ready", endpoint: server.endpoint, redelivered, pendingBodies });
} catch (e) {
  post({ type: "failed", message: (e as Error).message });
}
