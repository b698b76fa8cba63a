import type { IntrinsicDefinition } from '../signature.js';
import { canonicalJson } from './deep-equal.js';

export const arrayUnique: IntrinsicDefinition = {
  name: 'States.ArrayUnique',
  params: ['array'],
  run: ([items]) => {
    // The first of each group of equal items, in order: one pass over canonical texts, not all pairs.
    const seen = new Set<string>();
    return (items as unknown[]).filter((item) => {
      const key = canonicalJson(item);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  },
};
