import type { IntrinsicDefinition } from '../signature.js';
import { intrinsicFailure } from '../failure.js';

export const arrayGetItem: IntrinsicDefinition = {
  name: 'States.ArrayGetItem',
  params: ['array', 'integer'],
  run: ([items, position]) => {
    const list = items as unknown[];
    const index = position as number;
    if (index < 0 || index >= list.length) {
      throw intrinsicFailure(
        `The function States.ArrayGetItem received index ${index}, which is out of bounds for an array of length ${list.length}.`,
      );
    }
    return list[index];
  },
};
