import type { IntrinsicDefinition } from '../signature.js';

export const arrayLength: IntrinsicDefinition = {
  name: 'States.ArrayLength',
  params: ['array'],
  run: ([items]) => (items as unknown[]).length,
};
