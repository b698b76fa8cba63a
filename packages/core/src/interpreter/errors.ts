import type { Catcher, Retrier } from '../asl/types.js';

/** Errors that States.ALL does not match (the ASL spec calls them terminal). */
const TERMINAL = new Set(['States.DataLimitExceeded', 'States.Runtime']);

/** Does a Retrier/Catcher ErrorEquals list match this error name? */
export function errorMatches(errorEquals: readonly string[], error: string): boolean {
  for (const name of errorEquals) {
    if (name === error) return true;
    if (name === 'States.ALL' && !TERMINAL.has(error)) return true;
    // AWS: States.Timeout is a Task past its TimeoutSeconds or its HeartbeatSeconds; the later
    // States.HeartbeatTimeout names the second alone.
    if (name === 'States.Timeout' && error === 'States.HeartbeatTimeout') return true;
    if (name === 'States.TaskFailed' && error !== 'States.Timeout' && !TERMINAL.has(error) && !error.startsWith('States.Heartbeat')) {
      return true;
    }
  }
  return false;
}

export interface RetryDecision {
  retrierIndex: number;
  delayMs: number;
}

/**
 * The first retrier whose ErrorEquals matches decides: retry while its attempts last, else no
 * retry at all (a later retrier matching too is not consulted, as the ASL spec says).
 */
export function decideRetry(
  retriers: readonly Retrier[] | undefined,
  attempts: readonly number[],
  error: string,
  random: () => number,
): RetryDecision | undefined {
  if (!retriers) return undefined;
  const index = retriers.findIndex((r) => errorMatches(r.ErrorEquals, error));
  if (index < 0) return undefined;
  const r = retriers[index]!;
  const used = attempts[index] ?? 0;
  if (used >= (r.MaxAttempts ?? 3)) return undefined;
  let delay = (r.IntervalSeconds ?? 1) * Math.pow(r.BackoffRate ?? 2, used);
  if (r.MaxDelaySeconds !== undefined) delay = Math.min(delay, r.MaxDelaySeconds);
  if (r.JitterStrategy === 'FULL') delay = random() * delay;
  return { retrierIndex: index, delayMs: Math.round(delay * 1000) };
}

export function findCatcher(catchers: readonly Catcher[] | undefined, error: string): Catcher | undefined {
  return catchers?.find((c) => errorMatches(c.ErrorEquals, error));
}
