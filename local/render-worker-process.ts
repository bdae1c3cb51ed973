import { getPriority, setPriority } from "node:os";
import { createAwsClients } from "../functions/adapters/aws-clients.js";
import { loadConfig } from "../functions/core/config.js";
import type { Log } from "../functions/core/ports/log.js";
import type { Metrics } from "../functions/core/ports/metrics.js";
import { resolveWhisperPaths } from "../functions/render/speech/whisper-paths.js";
import { renderDeps, servicePorts } from "../functions/wiring.js";
import { startRenderLoops } from "./render-loops.js";
import { type FromWorkers, logMessage, type ToWorkers } from "./render-worker-messages.js";

/**
 * The render worker process that local mode starts (render-workers.ts): the queue pollers and the
 * render handler with its ffmpeg, ffprobe and speech children, away from the API's event loop.
 * It leads its own process group, which its children join; when the service's process goes away
 * (the IPC channel closes, even on SIGKILL) it kills that whole group, so no encoder outlives it.
 */
/** Added to the service's niceness (Unix `nice`, 19 the lowest priority). */
const WORKER_NICENESS = 10;

const send = (message: FromWorkers) => {
  if (process.connected) process.send?.(message);
};

function orphaned(): never {
  try {
    process.kill(-process.pid, "SIGKILL");
  } catch {
    // Not a group leader (started by hand): at least this process goes.
  }
  process.exit(1);
}

if (!process.send) throw new Error("render-worker-process.ts is started by local/render-workers.ts");
process.on("disconnect", orphaned);
// Encoders are batch work: below the API (and the developer's editor) when the CPUs are busy, at
// full speed when they are not. ffmpeg and the speech tools inherit this priority.
try {
  setPriority(Math.min(19, getPriority() + WORKER_NICENESS));
} catch {
  // A system that refuses it renders at normal priority: slower API under load, same videos.
}

const log: Log = {
  debug: (m, e) => send(logMessage("debug", m, e)),
  info: (m, e) => send(logMessage("info", m, e)),
  warn: (m, e) => send(logMessage("warn", m, e)),
  error: (m, e) => send(logMessage("error", m, e)),
};
// GET /v1/metrics is answered by the service's process, so figures go there as they are recorded.
const metrics: Metrics = {
  record: (metric, value, dimensions) =>
    send({ type: "metric", metric, value, ...(dimensions ? { dimensions: { ...dimensions } } : {}) }),
  flush() {},
};

process.once("message", (start: ToWorkers) => {
  if (start.type !== "start") orphaned();
  try {
    const config = loadConfig(start.env);
    const clients = createAwsClients(config);
    const deps = renderDeps(
      config,
      servicePorts(config, clients),
      resolveWhisperPaths(config.transcriptionModel, start.env),
      { log, metrics },
    );
    const loops = startRenderLoops({
      config,
      clients,
      deps,
      concurrency: start.concurrency,
      assemblyDlqUrl: start.assemblyDlqUrl,
      // The service hands these back to their queues at once if this process dies holding them.
      onMessage: (event, held) => send({ type: "message", event, ...held }),
      log,
    });
    process.on("message", (m: ToWorkers) => {
      if (m.type !== "stop") return;
      // Jobs in progress finish first; the service waits for this process to exit.
      void loops.stop().finally(() => {
        process.off("disconnect", orphaned);
        clients.s3.destroy();
        clients.sqs.destroy();
        // Closing the channel after the last log line is written lets the process end by itself.
        process.disconnect();
      });
    });
    send({ type: "ready" });
  } catch (e) {
    send({ type: "failed", message: (e as Error).message });
    process.exit(1);
  }
});
