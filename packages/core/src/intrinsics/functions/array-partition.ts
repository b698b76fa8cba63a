import type { IntrinsicDefinition } from '../signature.js';
import { intrinsicFailure } from '../failure.js';

export const arrayPartition: IntrinsicDefinition = {
  name: 'States.ArrayPartition',
  params: ['array', 'integer'],
  run: ([items, size]) => {
    const list = items as unknown[];
    const chunk = size as number;
    if (chunk <= 0) {
      throw intrinsicFailure(`The function States.ArrayPartition requires a chunk size greater than 0, but received ${chunk}.`);
    }
    const chunks: unknown[][] = [];
    for (let i = 0; i < list.length; i += chunk) chunks.push(list.slice(i, i + chunk));
    return chunks;
  },
};
