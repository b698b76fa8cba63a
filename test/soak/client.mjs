// SFN clients for the soak and the retry loop every call goes through: a call that dies with
// its connection (the api was SIGKILLed) or gets a 5xx (Redis was down) is sent again.
import { SFNClient } from '@aws-sdk/client-sfn';
import { setTimeout as sleep } from 'node:timers/promises';

export function sfnClient(endpoint, { maxAttempts = 2, requestTimeout = 30_000 } = {}) {
  return new SFNClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'soak', secretAccessKey: 'soak' },
    maxAttempts,
    disableHostPrefix: true,
    requestHandler: { requestTimeout, connectionTimeout: 5_000 },
  });
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EHOSTUNREACH', 'UND_ERR_SOCKET', 'ERR_STREAM_PREMATURE_CLOSE']);

/**
 * True when the call may or may not have happened and can be sent again: no HTTP answer at all
 * (the connection failed or died), a time-out, or a server fault (5xx).
 */
export function isRetryable(e) {
  if (!e || typeof e !== 'object') return false;
  const code = e.code ?? e.cause?.code ?? e.errno;
  if (NETWORK_CODES.has(code)) return true;
  if (['TimeoutError', 'RequestTimeout', 'AbortError'].includes(e.name) && !e.$metadata?.httpStatusCode) return e.name !== 'AbortError';
  const status = e.$metadata?.httpStatusCode;
  if (status === undefined) return true; // never answered: a transport error of some other spelling
  return status >= 500;
}

export function describeError(e) {
  const status = e?.$metadata?.httpStatusCode;
  return `${e?.name ?? 'Error'}${status ? ` (${status})` : ''}: ${String(e?.message ?? e).slice(0, 200)}`;
}

/**
 * Sends `make()` until it answers or fails for good; retryable failures are counted in
 * `stats.retries[label]` and retried with a growing pause until `deadlineMs` has passed.
 * `onRetry(e)` lets the caller note that an earlier attempt may have gone through.
 */
export async function withRetry(stats, label, make, { deadlineMs = 90_000, onRetry, stop } = {}) {
  const deadline = Date.now() + deadlineMs;
  let pause = 100;
  for (let attempt = 0; ; attempt++) {
    try {
      return await make(attempt);
    } catch (e) {
      if (!isRetryable(e) || Date.now() > deadline || stop?.()) throw e;
      stats.retries[label] = (stats.retries[label] ?? 0) + 1;
      onRetry?.(e);
      await sleep(pause);
      pause = Math.min(pause * 2, 2_000);
    }
  }
}
