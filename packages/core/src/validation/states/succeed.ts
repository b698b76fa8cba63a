import type { StateCheck } from '../context.js';
import { checkPath } from '../payload.js';

export function checkSucceed(check: StateCheck): void {
  if (check.language === 'JSONata') return;
  for (const field of ['InputPath', 'OutputPath']) checkPath(check.state, field, check.location, check.walk.d);
}
