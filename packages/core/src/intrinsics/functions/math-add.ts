import type { IntrinsicDefinition } from '../signature.js';
import { intrinsicFailure } from '../failure.js';
import { INT_MAX, INT_MIN, roundHalfUp } from './rounding.js';

export const mathAdd: IntrinsicDefinition = {
  name: 'States.MathAdd',
  params: ['number', 'number'],
  run: (args) => {
    const [a, b] = args.map((n) => roundHalfUp(n as number)) as [number, number];
    for (const n of [a, b]) {
      if (n < INT_MIN || n > INT_MAX) {
        throw intrinsicFailure(`The function States.MathAdd accepts values between ${INT_MIN} and ${INT_MAX}, but received ${n}.`);
      }
    }
    return a + b;
  },
};
