import { describe, expect, test } from 'vitest';
import { DURATION_WINDOW, MetricsRecorder } from './metrics.js';

describe('MetricsRecorder', () => {
  test('an empty summary is all zeros', () => {
    const m = new MetricsRecorder().snapshot({ inFlight: 0, openPolls: 2 });
    expect(m.duration).toEqual({ count: 0, sumMs: 0, minMs: 0, maxMs: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0 });
    expect(m.openPolls).toBe(2);
    expect(m.polls).toBe(0);
  });

  test('counters and nearest-rank quantiles', () => {
    const r = new MetricsRecorder();
    for (let i = 1; i <= 100; i++) r.observe(i);
    r.inc('polls');
    r.inc('polls');
    r.inc('tasksFailed');
    const m = r.snapshot({ inFlight: 1, openPolls: 0 });
    expect(m).toMatchObject({ polls: 2, tasksFailed: 1, inFlight: 1 });
    expect(m.duration).toEqual({ count: 100, sumMs: 5050, minMs: 1, maxMs: 100, meanMs: 50.5, p50Ms: 50, p90Ms: 90, p99Ms: 99 });
  });

  test('quantiles follow the recent window; count, sum, min and max cover everything', () => {
    const r = new MetricsRecorder();
    r.observe(1_000_000);
    for (let i = 0; i < DURATION_WINDOW; i++) r.observe(10);
    const d = r.snapshot({ inFlight: 0, openPolls: 0 }).duration;
    expect(d.count).toBe(DURATION_WINDOW + 1);
    expect(d.maxMs).toBe(1_000_000);
    expect(d.minMs).toBe(10);
    expect(d.p99Ms).toBe(10);
  });
});
