import type { Log } from "../../functions/core/ports/log.js";

export type LogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";

export interface CapturedLine {
  level: LogLevel;
  message: string;
  /** The line as a JSON log would print it (extras merged, errors with name, message and stack). */
  text: string;
}

export interface CaptureLog extends Log {
  readonly lines: CapturedLine[];
  /** Every line as text, one per line: what a secrets scan reads. */
  text(): string;
  errors(): CapturedLine[];
}

/** Markers of a presigned S3 URL: its query names (any case, raw or percent-encoded). */
const PRESIGN_MARKERS = /x-amz-(signature|credential|security-token)/i;

/**
 * The secrets a log line must never hold: each given string (an API key, a request body marker)
 * and any presigned URL signature or credential. Returns the offending lines, for a readable diff.
 */
export function leakedSecrets(log: CaptureLog, secrets: readonly string[]): string[] {
  return log.lines
    .map((l) => l.text)
    .filter((text) => PRESIGN_MARKERS.test(text) || secrets.some((s) => s !== "" && text.includes(s)));
}

/**
 * A Log that keeps every line in memory, serialised the way a structured JSON logger would
 * (Powertools prints an Error's name, message and stack), so tests can assert on what the
 * service logs and scan it for secrets.
 */
export function captureLog(options: { echo?: LogLevel } = {}): CaptureLog {
  const lines: CapturedLine[] = [];
  const order: LogLevel[] = ["DEBUG", "INFO", "WARN", "ERROR"];
  const record = (level: LogLevel, message: string, extra?: Record<string, unknown> | Error) => {
    const fields = extra instanceof Error ? { error: extra } : (extra ?? {});
    const text = JSON.stringify({ level, message, ...fields }, (_key, value: unknown) =>
      value instanceof Error
        ? { name: value.name, message: value.message, stack: value.stack, cause: value.cause }
        : value,
    );
    lines.push({ level, message, text });
    if (options.echo && order.indexOf(level) >= order.indexOf(options.echo)) console.log(text);
  };
  return {
    lines,
    debug: (m, e) => record("DEBUG", m, e),
    info: (m, e) => record("INFO", m, e),
    warn: (m, e) => record("WARN", m, e),
    error: (m, e) => record("ERROR", m, e),
    text: () => lines.map((l) => l.text).join("\n"),
    errors: () => lines.filter((l) => l.level === "ERROR"),
  };
}
