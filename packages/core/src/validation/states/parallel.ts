import { at } from '../diagnostics.js';
import type { StateCheck } from '../context.js';
import { checkPath, checkResultPath, checkTemplateFor } from '../payload.js';

export function checkParallel(check: StateCheck): void {
  const { state, location, walk } = check;
  const d = walk.d;
  const branches = state['Branches'];
  if (branches === undefined) return d.schema('These fields are required: [Branches]', location);
  if (!Array.isArray(branches)) return d.schema("The value for the field 'Branches' must be an ARRAY", location);
  if (branches.length === 0) return d.schema('Value cannot be empty', at(location, 'Branches'));
  if (check.language === 'JSONPath') {
    for (const field of ['InputPath', 'OutputPath']) checkPath(state, field, location, d);
    checkResultPath(state, location, d);
    for (const field of ['Parameters', 'ResultSelector']) {
      if (state[field] !== undefined) checkTemplateFor('JSONPath', state[field], at(location, field), d);
    }
  } else if (state['Arguments'] !== undefined) {
    checkTemplateFor('JSONata', state['Arguments'], at(location, 'Arguments'), d);
  }
  branches.forEach((branch, i) => walk.container(branch, at(at(location, 'Branches'), i), 'branch'));
}
