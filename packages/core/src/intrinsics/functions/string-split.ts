import type { IntrinsicDefinition } from '../signature.js';

export const stringSplit: IntrinsicDefinition = {
  name: 'States.StringSplit',
  params: ['string', 'string'],
  run: ([text, delimiters]) => {
    // Every character of the delimiter string splits on its own, and empty pieces are dropped.
    const set = new Set(delimiters as string);
    const parts: string[] = [];
    let current = '';
    for (const ch of text as string) {
      if (set.has(ch)) {
        if (current !== '') parts.push(current);
        current = '';
      } else {
        current += ch;
      }
    }
    if (current !== '') parts.push(current);
    return parts;
  },
};
