import type { IntrinsicDefinition } from '../signature.js';
import { intrinsicFailure } from '../failure.js';
import { roundHalfUp } from './rounding.js';

/** mulberry32: a small deterministic generator, so that a seed always gives the same number. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const mathRandom: IntrinsicDefinition = {
  name: 'States.MathRandom',
  params: ['number', 'number'],
  optional: ['integer'],
  run: ([low, high, seed]) => {
    const start = roundHalfUp(low as number);
    const end = roundHalfUp(high as number);
    if (start > end) {
      throw intrinsicFailure(`The function States.MathRandom requires a start value (${start}) not greater than its end value (${end}).`);
    }
    const random = seed === undefined ? Math.random : seeded(seed as number);
    // Both ends are reachable.
    return start + Math.floor(random() * (end - start + 1));
  },
};
