import type { IntrinsicDefinition } from '../signature.js';
import { intrinsicFailure } from '../failure.js';

export const jsonMerge: IntrinsicDefinition = {
  name: 'States.JsonMerge',
  params: ['object', 'object', 'boolean'],
  run: ([left, right, deep]) => {
    // AWS supports only the shallow mode: the flag must be false.
    if (deep !== false) {
      throw intrinsicFailure('The function States.JsonMerge supports only shallow merging; its third argument must be false.');
    }
    return { ...(left as object), ...(right as object) };
  },
};
