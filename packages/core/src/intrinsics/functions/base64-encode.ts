import type { IntrinsicDefinition } from '../signature.js';
import { checkInputLength } from './limits.js';

export const base64Encode: IntrinsicDefinition = {
  name: 'States.Base64Encode',
  params: ['string'],
  run: ([text]) => {
    checkInputLength('States.Base64Encode', text as string);
    return Buffer.from(text as string, 'utf8').toString('base64');
  },
};
