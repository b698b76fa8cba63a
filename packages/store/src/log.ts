import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stdout (DESIGN rule 8). Fields that name what a line is about:
 * `requestId` and `action` for API requests, `executionArn` and `state` for execution work.
 */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
