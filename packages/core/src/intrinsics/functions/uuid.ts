import { randomUUID } from 'node:crypto';
import type { IntrinsicDefinition } from '../signature.js';

export const uuid: IntrinsicDefinition = {
  name: 'States.UUID',
  params: [],
  run: () => randomUUID(),
};
