import { describe, expect, test } from 'vitest';
import { failureOf, isRetryable, isTaskGone, MAX_CAUSE_LENGTH, MAX_ERROR_LENGTH, truncate } from './failure.js';

class PaymentDeclined extends Error {
  override name = 'PaymentDeclined';
}

describe('failureOf', () => {
  test("an Error's name and message", () => {
    expect(failureOf(new PaymentDeclined('card expired'))).toEqual({ error: 'PaymentDeclined', cause: 'card expired' });
    expect(failureOf(new TypeError('x is not a function'))).toEqual({ error: 'TypeError', cause: 'x is not a function' });
  });

  test('a thrown non-Error is Error with the value as text', () => {
    expect(failureOf('plain')).toEqual({ error: 'Error', cause: 'plain' });
    expect(failureOf({ code: 7 })).toEqual({ error: 'Error', cause: '{"code":7}' });
    expect(failureOf(undefined)).toEqual({ error: 'Error', cause: 'undefined' });
    expect(failureOf(10n)).toEqual({ error: 'Error', cause: '10' });
  });

  test('cut to the API limits: error 256, cause 32768', () => {
    const e = new Error('m'.repeat(40_000));
    e.name = 'N'.repeat(300);
    const f = failureOf(e);
    expect(f.error).toHaveLength(MAX_ERROR_LENGTH);
    expect(f.cause).toHaveLength(MAX_CAUSE_LENGTH);
    expect(MAX_ERROR_LENGTH).toBe(256);
    expect(MAX_CAUSE_LENGTH).toBe(32_768);
  });
});

describe('truncate', () => {
  test('never splits a surrogate pair', () => {
    const s = 'a' + '😀'.repeat(10); // 21 code units
    expect(truncate(s, 4)).toBe('a😀'); // 'a', pair, and a lone high surrogate dropped
    expect(truncate(s, 5)).toBe('a😀😀');
    expect(truncate(s, 100)).toBe(s);
  });
});

describe('classification', () => {
  const named = (name: string, extra: object = {}) => Object.assign(new Error(name), { name, ...extra });
  test('gone and non-retryable answers', () => {
    expect(isTaskGone(named('TaskTimedOut'))).toBe(true);
    expect(isTaskGone(named('TaskDoesNotExist'))).toBe(true);
    expect(isTaskGone(named('ThrottlingException'))).toBe(false);
    expect(isRetryable(named('TaskTimedOut'))).toBe(false);
    expect(isRetryable(named('InvalidOutput'))).toBe(false);
    expect(isRetryable(named('Other', { $fault: 'client', $metadata: { httpStatusCode: 400 } }))).toBe(false);
    expect(isRetryable(named('ThrottlingException', { $fault: 'client', $metadata: { httpStatusCode: 429 } }))).toBe(true);
    expect(isRetryable(named('InternalFailure', { $fault: 'server', $metadata: { httpStatusCode: 500 } }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
  });
});
