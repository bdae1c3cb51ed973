import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ChangeMessageVisibilityCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Log } from "../functions/core/ports/log.js";
import type { Metrics } from "../functions/core/ports/metrics.js";
import { runAsLocalFunction } from "./lambda-context.js";
import { type FromWorkers, replayLog, type StartWorkers, type ToWorkers } from "./render-worker-messages.js";
import { forkTypescript } from "./typescript-entry.js";
import type { HeldMessage } from "./worker-loop.js";

export interface RenderWorkerProcessOptions {
  start: Omit<StartWorkers, "type">;
  /** Where the process's log lines and metrics end up. */
  log: Log;
  metrics: Metrics;
  /** Hands the messages a dead process held back to their queues. */
  sqs: SQSClient;
  /** Wait before starting a replacement for a process that died (default 1 s). */
  restartDelayMs?: number;
}

export interface RenderWorkers {
  /** The current process's pid (tests: to find its ffmpeg children). */
  readonly pid: number | undefined;
  /**
   * Stops polling. By default jobs in progress finish first (their messages are deleted as on
   * success); `now` kills the process group at once and leaves them to be redelivered.
   */
  stop(options?: { now?: boolean }): Promise<void>;
}

const ENTRY = fileURLToPath(new URL("./render-worker-process.ts", import.meta.url));

/**
 * Runs the render loops in a child process (render-worker-process.ts), so encodes and their
 * bookkeeping never hold up the API. The child leads its own process group: if it dies, its
 * encoders are killed with the group, the messages it held are made visible again at once (the
 * child reports each one it takes; otherwise the job would wait out the queue's visibility
 * timeout) and a new child takes over the queues; if this process dies, the child notices the
 * closed IPC channel and kills the group itself.
 */
export async function startRenderWorkerProcess(o: RenderWorkerProcessOptions): Promise<RenderWorkers> {
  let stopping = false;
  let current: ChildProcess | undefined;
  let restartTimer: NodeJS.Timeout | undefined;

  const spawnChild = () =>
    new Promise<ChildProcess>((resolve, reject) => {
      // Its own process group (and session): its ffmpeg children join it, and a terminal's Ctrl-C
      // reaches the service, which decides how the workers stop.
      const child = forkTypescript(ENTRY);
      let ready = false;
      const held = new Map<string, HeldMessage>();
      child.on("message", (m: FromWorkers) => {
        if (m.type === "message") {
          const { queueUrl, receiptHandle, functionName } = m;
          if (m.event === "held") held.set(receiptHandle, { queueUrl, receiptHandle, functionName });
          else held.delete(receiptHandle);
        } else if (m.type === "log") replayLog(o.log, m);
        else if (m.type === "metric") o.metrics.record(m.metric, m.value, m.dimensions);
        else if (m.type === "ready") {
          ready = true;
          resolve(child);
        } else if (m.type === "failed") reject(new Error(`render workers failed to start: ${m.message}`));
      });
      child.once("error", reject);
      child.once("exit", (code, signal) => {
        killGroup(child);
        if (!ready) {
          reject(new Error(`render workers exited during start-up (${signal ?? code})`));
          return;
        }
        if (stopping) return;
        o.log.error("render worker process died; starting a new one", {
          exitCode: code,
          signal,
          messagesHeld: held.size,
        });
        void handBack([...held.values()]);
        restartTimer = setTimeout(() => {
          spawnChild().then(
            (c) => {
              current = c;
              if (stopping) killGroup(c);
            },
            (e: unknown) =>
              o.log.error("render worker process could not be restarted", e instanceof Error ? e : {}),
          );
        }, o.restartDelayMs ?? 1_000);
      });
      const message: ToWorkers = { type: "start", ...o.start };
      child.send(message);
    });

  /** Visibility 0: the queue hands each message out again now, counting the interrupted receive. */
  const handBack = (messages: HeldMessage[]) =>
    Promise.all(
      messages.map((m) =>
        runAsLocalFunction(m.functionName, () =>
          o.sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: m.queueUrl,
              ReceiptHandle: m.receiptHandle,
              VisibilityTimeout: 0,
            }),
          ),
        ).catch((e: unknown) =>
          // It comes back by itself when its visibility timeout ends.
          o.log.warn("could not hand a dead render worker's message back to its queue", {
            queueUrl: m.queueUrl,
            err: String(e),
          }),
        ),
      ),
    );

  current = await spawnChild();
  let exited: Promise<void> | undefined;
  let askedToStop = false;
  return {
    get pid() {
      return current?.pid;
    },
    stop(options = {}) {
      stopping = true;
      clearTimeout(restartTimer);
      const child = current;
      if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      exited ??= new Promise<void>((resolve) => child.once("exit", () => resolve()));
      if (options.now) killGroup(child);
      else if (!askedToStop) {
        askedToStop = true;
        child.send({ type: "stop" } satisfies ToWorkers);
      }
      return exited;
    },
  };
}

/** SIGKILL to the child's process group: the child and every encoder it started. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // ESRCH: the group is already empty.
  }
}
