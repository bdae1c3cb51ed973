/**
 * The logging surface the core uses (a subset of Powertools' Logger, which implements it).
 * Never pass a whole event, request body, API key or presigned URL as an attribute.
 */
export interface Log {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown> | Error): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
