import { StatesError } from '../errors.js';
import { isPlainObject } from './evaluate.js';
import { definiteSegments } from './tokens.js';

function matchFailure(path: string, stateInput: unknown): StatesError {
  return new StatesError(
    'States.ResultPathMatchFailure',
    `Unable to apply ResultPath '${path}' to input '${JSON.stringify(stateInput)}'`,
  );
}

/**
 * ResultPath: absent means the result replaces the input, null keeps the input, and a Reference
 * Path writes the result into a copy of the input, creating missing objects on the way.
 */
export function applyResultPath(path: string | null | undefined, stateInput: unknown, result: unknown): unknown {
  if (path === undefined) return result;
  if (path === null) return stateInput;
  const trimmed = path.trim();
  if (!trimmed.startsWith('$') || trimmed.startsWith('$$')) throw matchFailure(path, stateInput);
  const segments = definiteSegments(trimmed.slice(1));
  if (!segments) throw matchFailure(path, stateInput);
  if (segments.length === 0) return result;

  const root: unknown = structuredClone(stateInput);
  let parent: unknown = root;
  for (const [k, segment] of segments.entries()) {
    const isLast = k === segments.length - 1;
    if (typeof segment === 'number') {
      if (!Array.isArray(parent)) throw matchFailure(path, stateInput);
      const index = segment < 0 ? parent.length + segment : segment;
      if (index < 0 || index >= parent.length) throw matchFailure(path, stateInput);
      if (isLast) parent[index] = result;
      else parent = parent[index];
    } else {
      if (!isPlainObject(parent)) throw matchFailure(path, stateInput);
      if (isLast) {
        parent[segment] = result;
      } else {
        const child = parent[segment];
        if (child === undefined || child === null) parent[segment] = {};
        parent = parent[segment];
      }
    }
  }
  return root;
}
