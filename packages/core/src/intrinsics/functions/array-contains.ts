import type { IntrinsicDefinition } from '../signature.js';
import { jsonEquals } from './deep-equal.js';

export const arrayContains: IntrinsicDefinition = {
  name: 'States.ArrayContains',
  params: ['array', 'any'],
  run: ([items, needle]) => (items as unknown[]).some((item) => jsonEquals(item, needle)),
};
