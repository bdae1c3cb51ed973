import type { MetricKey } from "../functions/core/metric-names.js";
import type { Log } from "../functions/core/ports/log.js";
import type { HeldMessage } from "./worker-loop.js";

/** What the local service and its render worker process tell each other over the IPC channel. */

export interface StartWorkers {
  type: "start";
  /** The variables the service built its config from (not the process environment). */
  env: Record<string, string | undefined>;
  concurrency: number;
  assemblyDlqUrl: string | undefined;
}

export type ToWorkers = StartWorkers | { type: "stop" };

export type LogLevel = "debug" | "info" | "warn" | "error";

export type FromWorkers =
  | { type: "ready" }
  | { type: "failed"; message: string }
  | { type: "log"; level: LogLevel; message: string; extra?: Record<string, unknown>; error?: ErrorShape }
  | { type: "metric"; metric: MetricKey; value: number; dimensions?: Record<string, string> }
  /** A queue message the process took (`held`) or is done with (`settled`). */
  | ({ type: "message"; event: "held" | "settled" } & HeldMessage);

export interface ErrorShape {
  name: string;
  message: string;
  stack?: string;
}

const errorShape = (e: Error): ErrorShape => ({
  name: e.name,
  message: e.message,
  ...(e.stack ? { stack: e.stack } : {}),
});

/** A log line as a message: plain JSON (errors become name, message and stack). */
export function logMessage(
  level: LogLevel,
  message: string,
  extra?: Record<string, unknown> | Error,
): Extract<FromWorkers, { type: "log" }> {
  if (extra instanceof Error) return { type: "log", level, message, error: errorShape(extra) };
  if (extra === undefined) return { type: "log", level, message };
  const plain = JSON.parse(
    JSON.stringify(extra, (_key, value: unknown) => (value instanceof Error ? errorShape(value) : value)),
  ) as Record<string, unknown>;
  return { type: "log", level, message, extra: plain };
}

/** Writes a forwarded line to the service's log, an error line with an Error again. */
export function replayLog(log: Log, line: Extract<FromWorkers, { type: "log" }>): void {
  if (line.error) {
    const error = new Error(line.error.message);
    error.name = line.error.name;
    if (line.error.stack) error.stack = line.error.stack;
    if (line.level === "error") log.error(line.message, error);
    else log[line.level](line.message, { error });
    return;
  }
  log[line.level](line.message, line.extra);
}
