/** Exponential backoff with jitter, capped. */

export interface BackoffOptions {
  /** Delay after the first failure, in milliseconds (before jitter). Default 500. */
  initialMs?: number;
  /** Longest delay, in milliseconds. Default 30000. */
  maxMs?: number;
  /** Growth per failure. Default 2. */
  multiplier?: number;
}

export type Backoff = Required<BackoffOptions>;

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000, multiplier: 2 };

/**
 * The delay after the `attempt`-th failure in a row (1 for the first): `initialMs ·
 * multiplier^(attempt-1)`, capped at `maxMs`, then "equal jitter" — a random point in its upper
 * half — so pollers that failed together spread out and none retries at once.
 */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempt - 1);
  const base = Math.min(backoff.maxMs, backoff.initialMs * Math.pow(backoff.multiplier, exponent));
  return Math.round(base / 2 + (random() * base) / 2);
}
