import { describe, expect, test } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.js';

describe('backoffDelay', () => {
  const b = { initialMs: 100, maxMs: 1_000, multiplier: 2 };

  test('grows exponentially and stops at the cap', () => {
    const top = (n: number) => backoffDelay(n, b, () => 1);
    expect([1, 2, 3, 4, 5, 6, 50].map(top)).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  test('jitter stays within the upper half of the step', () => {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const full = Math.min(b.maxMs, b.initialMs * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, b, () => 0)).toBe(full / 2);
      for (let i = 0; i < 50; i++) {
        const d = backoffDelay(attempt, b);
        expect(d).toBeGreaterThanOrEqual(full / 2);
        expect(d).toBeLessThanOrEqual(full);
      }
    }
  });

  test('defaults: half a second, capped at 30 s', () => {
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 1)).toBe(500);
    expect(backoffDelay(100, DEFAULT_BACKOFF, () => 1)).toBe(30_000);
  });
});
