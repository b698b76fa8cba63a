import { describe, expect, test } from 'vitest';
import { Slots } from './slots.js';

describe('Slots', () => {
  test('hands out at most its size; a release serves the oldest waiter', async () => {
    const slots = new Slots(2);
    const never = new AbortController().signal;
    expect(await slots.acquire(never)).toBe(true);
    expect(await slots.acquire(never)).toBe(true);
    const order: number[] = [];
    const a = slots.acquire(never).then((ok) => order.push(1) && ok);
    const b = slots.acquire(never).then((ok) => order.push(2) && ok);
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]);
    slots.release();
    expect(await a).toBe(true);
    expect(order).toEqual([1]);
    slots.release();
    expect(await b).toBe(true);
    expect(order).toEqual([1, 2]);
  });

  test('an abort ends a wait with false and leaves the slot for the next', async () => {
    const slots = new Slots(1);
    const never = new AbortController().signal;
    await slots.acquire(never);
    const stop = new AbortController();
    const waiting = slots.acquire(stop.signal);
    stop.abort();
    expect(await waiting).toBe(false);
    expect(await slots.acquire(stop.signal)).toBe(false);
    slots.release();
    expect(await slots.acquire(never)).toBe(true);
  });
});
