import { at } from '../diagnostics.js';
import type { StateCheck } from '../context.js';
import { checkTemplate, isJsonataTemplate } from '../jsonata-check.js';
import { checkNumber } from '../numbers.js';
import { checkPath } from '../payload.js';
import { isRfc3339 } from '../timestamp.js';

const WAIT_FIELDS = ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'];

export function checkWait(check: StateCheck): void {
  const { state, location, walk } = check;
  const d = walk.d;
  const present = WAIT_FIELDS.filter((f) => f in state);
  if (present.length !== 1) {
    const allowed = check.language === 'JSONata' ? WAIT_FIELDS.slice(0, 2) : WAIT_FIELDS;
    return d.schema(`Exactly one of these fields must be provided: [${allowed.join(', ')}]`, location);
  }
  checkNumber(check, state, 'Seconds', { min: 0, max: 99999999 });
  const timestamp = state['Timestamp'];
  if (timestamp !== undefined) {
    if (check.language === 'JSONata' && isJsonataTemplate(timestamp)) checkTemplate(timestamp, at(location, 'Timestamp'), d);
    else if (typeof timestamp !== 'string' || !isRfc3339(timestamp)) d.schema('String does not match RFC3339 timestamp', at(location, 'Timestamp'));
  }
  if (check.language === 'JSONPath') {
    for (const field of ['InputPath', 'OutputPath']) checkPath(state, field, location, d);
    for (const field of ['SecondsPath', 'TimestampPath']) checkPath(state, field, location, d, false);
  }
}
