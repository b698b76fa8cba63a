import type { IntrinsicDefinition } from '../signature.js';

export const jsonToString: IntrinsicDefinition = {
  name: 'States.JsonToString',
  params: ['any'],
  run: ([value]) => JSON.stringify(value),
};
