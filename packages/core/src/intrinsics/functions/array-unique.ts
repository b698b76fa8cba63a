import type { IntrinsicDefinition } from '../signature.js';
import { jsonEquals } from './deep-equal.js';

export const arrayUnique: IntrinsicDefinition = {
  name: 'States.ArrayUnique',
  params: ['array'],
  run: ([items]) => {
    const unique: unknown[] = [];
    for (const item of items as unknown[]) {
      if (!unique.some((seen) => jsonEquals(seen, item))) unique.push(item);
    }
    return unique;
  },
};
