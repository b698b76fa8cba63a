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

/** A repeating error is logged at most once per this many ms, with how many were left out. */
const REPEAT_EVERY_MS = 10_000;

/**
 * A handler for errors that repeat while their cause lasts (a Redis client retrying an
 * unreachable server many times a second, accepts failing for want of descriptors): one
 * warning per interval, with the count of those left out. A Redis client with no `error`
 * handler would report each as unhandled.
 */
export function errorsEvery(log: Logger, msg: string, fields: Record<string, unknown> = {}): (err: unknown) => void {
  let last = Number.NEGATIVE_INFINITY;
  let skipped = 0;
  return (err) => {
    const now = Date.now();
    if (now - last < REPEAT_EVERY_MS) {
      skipped++;
      return;
    }
    log.warn({ ...fields, err: String((err as Error)?.message ?? err), ...(skipped > 0 && { alsoSince: skipped }) }, msg);
    last = now;
    skipped = 0;
  };
}
