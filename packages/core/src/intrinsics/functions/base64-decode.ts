import type { IntrinsicDefinition } from '../signature.js';
import { intrinsicFailure } from '../failure.js';
import { checkInputLength } from './limits.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const base64Decode: IntrinsicDefinition = {
  name: 'States.Base64Decode',
  params: ['string'],
  run: ([text]) => {
    const encoded = text as string;
    checkInputLength('States.Base64Decode', encoded);
    // Node's decoder skips bad characters silently; AWS rejects the input instead.
    if (!BASE64.test(encoded)) {
      throw intrinsicFailure(`The function States.Base64Decode received a string that is not valid base64: ${encoded}`);
    }
    return Buffer.from(encoded, 'base64').toString('utf8');
  },
};
