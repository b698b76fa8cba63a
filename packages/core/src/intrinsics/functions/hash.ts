import { createHash } from 'node:crypto';
import type { IntrinsicDefinition } from '../signature.js';
import { intrinsicFailure } from '../failure.js';
import { checkInputLength } from './limits.js';

/** ASL algorithm names mapped to Node's digest names. */
const ALGORITHMS: Readonly<Record<string, string>> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

export const hash: IntrinsicDefinition = {
  name: 'States.Hash',
  params: ['string', 'string'],
  run: ([data, algorithm]) => {
    checkInputLength('States.Hash', data as string);
    const digest = ALGORITHMS[algorithm as string];
    if (!digest) {
      throw intrinsicFailure(
        `The function States.Hash does not support the algorithm '${String(algorithm)}'. Supported algorithms: ${Object.keys(ALGORITHMS).join(', ')}.`,
      );
    }
    return createHash(digest).update(data as string, 'utf8').digest('hex');
  },
};
