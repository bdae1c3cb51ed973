import { Logger } from "@aws-lambda-powertools/logger";
import type { Log } from "../core/ports/log.js";

/**
 * Structured JSON logs through Powertools, behind the core's Log port. Powertools takes extras
 * as a rest parameter; the core passes one optional object.
 */
export function createLog(serviceName: string, logLevel?: string): Log {
  const logger = new Logger({ serviceName, ...(logLevel ? { logLevel: logLevel as "INFO" } : {}) });
  const extras = (extra: Record<string, unknown> | undefined) => (extra ? [extra] : []);
  return {
    debug: (message, extra) => logger.debug(message, ...extras(extra)),
    info: (message, extra) => logger.info(message, ...extras(extra)),
    warn: (message, extra) => logger.warn(message, ...extras(extra)),
    error: (message, extra) =>
      extra instanceof Error ? logger.error(message, extra) : logger.error(message, ...extras(extra)),
  };
}
