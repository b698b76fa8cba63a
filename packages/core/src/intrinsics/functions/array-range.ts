import type { IntrinsicDefinition } from '../signature.js';
import { intrinsicFailure } from '../failure.js';

/** AWS caps the generated array. */
export const ARRAY_RANGE_MAX_ITEMS = 1000;

export const arrayRange: IntrinsicDefinition = {
  name: 'States.ArrayRange',
  params: ['integer', 'integer', 'integer'],
  run: ([first, last, step]) => {
    const [start, end, inc] = [first, last, step] as number[] as [number, number, number];
    if (inc === 0) throw intrinsicFailure('The function States.ArrayRange requires a non-zero step value.');
    const count = Math.max(0, Math.floor((end - start) / inc) + 1);
    if (count > ARRAY_RANGE_MAX_ITEMS) {
      throw intrinsicFailure(
        `The function States.ArrayRange would generate ${count} items, more than the maximum of ${ARRAY_RANGE_MAX_ITEMS}.`,
      );
    }
    return Array.from({ length: count }, (_, i) => start + i * inc);
  },
};
