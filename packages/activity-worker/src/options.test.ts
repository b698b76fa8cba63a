import { describe, expect, test } from 'vitest';
import { compileOptions } from './options.js';

const base = { activityArn: 'arn:aws:states:us-east-1:123456789012:activity:a', handler: async () => null };

describe('compileOptions', () => {
  test('defaults', () => {
    const o = compileOptions(base);
    expect(o).toMatchObject({
      concurrency: 1,
      pollers: 1,
      heartbeatMs: undefined,
      graceMs: 25_000,
      shutdownSignals: ['SIGTERM'],
      backoff: { initialMs: 500, maxMs: 30_000, multiplier: 2 },
      pollTimeoutMs: 70_000,
      answerAttempts: 5,
    });
    expect(o.workerName.length).toBeGreaterThan(0);
    expect(o.workerName.length).toBeLessThanOrEqual(80);
    expect(compileOptions({ ...base, concurrency: 16 }).pollers).toBe(4);
  });

  test('given values; signals off', () => {
    const o = compileOptions({ ...base, concurrency: 3, pollers: 7, heartbeatSeconds: 0.5, graceSeconds: 0, shutdownSignals: false, backoff: { maxMs: 1_000, initialMs: undefined } });
    expect(o).toMatchObject({ concurrency: 3, pollers: 7, heartbeatMs: 500, graceMs: 0, shutdownSignals: [], backoff: { initialMs: 500, maxMs: 1_000 } });
    expect(compileOptions({ ...base, logger: false }).logger).toBeUndefined();
  });

  test('bad values are refused', () => {
    expect(() => compileOptions({ ...base, activityArn: '' })).toThrow(/activityArn/);
    expect(() => compileOptions({ ...base, concurrency: 0 })).toThrow(/concurrency/);
    expect(() => compileOptions({ ...base, pollers: 1.5 })).toThrow(/pollers/);
    expect(() => compileOptions({ ...base, heartbeatSeconds: 0 })).toThrow(/heartbeatSeconds/);
    expect(() => compileOptions({ ...base, graceSeconds: -1 })).toThrow(/graceSeconds/);
    expect(() => compileOptions({ ...base, workerName: 'w'.repeat(81) })).toThrow(/workerName/);
    expect(() => compileOptions({ ...base, backoff: { multiplier: 0.5 } })).toThrow(/multiplier/);
  });
});
