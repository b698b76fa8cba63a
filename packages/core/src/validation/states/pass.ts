import { at } from '../diagnostics.js';
import type { StateCheck } from '../context.js';
import { checkPath, checkResultPath, checkTemplateFor } from '../payload.js';

export function checkPass(check: StateCheck): void {
  const { state, location, walk } = check;
  if (check.language === 'JSONPath') {
    checkPath(state, 'InputPath', location, walk.d);
    checkPath(state, 'OutputPath', location, walk.d);
    checkResultPath(state, location, walk.d);
    if (state['Parameters'] !== undefined) checkTemplateFor('JSONPath', state['Parameters'], at(location, 'Parameters'), walk.d);
  }
}
