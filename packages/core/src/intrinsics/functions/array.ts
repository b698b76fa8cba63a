import type { IntrinsicDefinition } from '../signature.js';

export const array: IntrinsicDefinition = {
  name: 'States.Array',
  params: [],
  rest: 'any',
  run: (values) => [...values],
};
