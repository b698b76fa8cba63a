import { at } from '../diagnostics.js';
import type { StateCheck } from '../context.js';
import { parseIntrinsic } from '../intrinsics.js';
import { checkTemplate, isJsonataTemplate } from '../jsonata-check.js';
import { parseJsonPath } from '../jsonpath.js';
import { checkString } from '../numbers.js';

export function checkFail(check: StateCheck): void {
  const { state, location, walk } = check;
  const d = walk.d;
  for (const [plain, path] of [['Error', 'ErrorPath'], ['Cause', 'CausePath']] as const) {
    if (plain in state && path in state) d.schema(`These fields cannot be specified together: [${plain}, ${path}]`, location);
    if (check.language === 'JSONata' && isJsonataTemplate(state[plain])) checkTemplate(state[plain] as string, at(location, plain), d);
    else checkString(d, state, plain, location);
    const value = state[path];
    // ErrorPath and CausePath also take an intrinsic function returning a string.
    if (value !== undefined && (typeof value !== 'string' || (parseJsonPath(value) === undefined && parseIntrinsic(value) === undefined))) {
      d.schema(`The value for the field '${path}' must be a valid JSONPath or a valid intrinsic function call`, location);
    }
  }
}
