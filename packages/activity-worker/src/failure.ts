/**
 * What a task's failure sends: the error's name and message, cut to the service's limits
 * (`SensitiveError` max 256, `SensitiveCause` max 32768 in stepfunctions-2016-11-23).
 */

/** Longest `error` SendTaskFailure takes. */
export const MAX_ERROR_LENGTH = 256;
/** Longest `cause` SendTaskFailure takes. */
export const MAX_CAUSE_LENGTH = 32_768;

/** The error a task fails with when the worker stops before it finished (after the grace time). */
export const SHUTDOWN_ERROR = 'ActivityWorker.Shutdown';
/** The error a task fails with when its input is not JSON. */
export const INVALID_INPUT_ERROR = 'ActivityWorker.InvalidInput';
/** The error a task fails with when the handler's result cannot be written as JSON. */
export const INVALID_OUTPUT_ERROR = 'ActivityWorker.InvalidOutput';

export interface TaskFailure {
  error: string;
  cause: string;
}

/**
 * Cuts `text` to at most `max` UTF-16 code units without splitting a surrogate pair, so the
 * result is within the limit whether the service counts code units or code points.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1; // a high surrogate whose pair falls outside
  return text.slice(0, end);
}

/**
 * The failure a thrown value reports: an Error's `name` (as `error`) and `message` (as
 * `cause`); anything else thrown is `Error` with the value as text.
 */
export function failureOf(thrown: unknown): TaskFailure {
  if (thrown instanceof Error) {
    return { error: truncate(thrown.name || 'Error', MAX_ERROR_LENGTH), cause: truncate(thrown.message ?? '', MAX_CAUSE_LENGTH) };
  }
  let cause: string;
  try {
    cause = typeof thrown === 'string' ? thrown : (JSON.stringify(thrown) ?? String(thrown));
  } catch {
    cause = String(thrown);
  }
  return { error: 'Error', cause: truncate(cause, MAX_CAUSE_LENGTH) };
}

/** Answers of SendTaskHeartbeat/Success/Failure that mean the task is no longer the worker's. */
const GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** True when the service says the task is gone (timed out, closed, or its token unknown). */
export function isTaskGone(err: unknown): boolean {
  return err instanceof Error && GONE.has(err.name);
}

/** SendTaskSuccess rejected the output itself (not JSON, too large): re-sending cannot help. */
export function isOutputRejected(err: unknown): boolean {
  return err instanceof Error && (err.name === 'InvalidOutput' || err.name === 'ValidationException');
}

/** Errors worth sending an answer again for: anything but the service's verdict on the task. */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof Error)) return true;
  if (isTaskGone(err) || isOutputRejected(err)) return false;
  // A client fault the service answered (4xx) will be answered the same way again.
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const fault = (err as { $fault?: string }).$fault;
  return !(fault === 'client' && status !== undefined && status < 500 && status !== 429);
}
