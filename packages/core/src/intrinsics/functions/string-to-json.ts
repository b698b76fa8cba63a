import type { IntrinsicDefinition } from '../signature.js';
import { intrinsicFailure } from '../failure.js';

export const stringToJson: IntrinsicDefinition = {
  name: 'States.StringToJson',
  params: ['string'],
  run: ([text]) => {
    const source = text as string;
    // AWS answers null for an empty or blank string rather than failing.
    if (source.trim() === '') return null;
    try {
      return JSON.parse(source) as unknown;
    } catch {
      throw intrinsicFailure(`The function States.StringToJson received a string that is not valid JSON: ${source}`);
    }
  },
};
