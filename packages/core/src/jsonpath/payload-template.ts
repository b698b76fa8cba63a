import { StatesError } from '../errors.js';
import { evaluateIntrinsic, isIntrinsic } from '../intrinsics/evaluate.js';
import { pathNotFoundCause } from './causes.js';
import type { PathContext } from './context.js';
import { isPlainObject, lookupPath } from './evaluate.js';

const DYNAMIC_SUFFIX = '.$';

/** One `key.$` value: an intrinsic call, or a path into the input, `$$` context or a `$variable`. */
function evaluateDynamic(key: string, expression: unknown, input: unknown, ctx: PathContext): unknown {
  if (typeof expression !== 'string') {
    throw new StatesError('States.Runtime', `The value for the field '${key}' must be a valid JSONPath or a valid intrinsic function call`);
  }
  if (isIntrinsic(expression)) return evaluateIntrinsic(expression, input, ctx, key);
  const result = lookupPath(expression, input, ctx);
  if (!result.found) throw new StatesError('States.Runtime', pathNotFoundCause(expression, key, input));
  return result.value;
}

function evaluateNode(node: unknown, input: unknown, ctx: PathContext): unknown {
  if (Array.isArray(node)) return node.map((item) => evaluateNode(item, input, ctx));
  if (!isPlainObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.endsWith(DYNAMIC_SUFFIX)) {
      out[key.slice(0, -DYNAMIC_SUFFIX.length)] = evaluateDynamic(key, value, input, ctx);
    } else {
      out[key] = evaluateNode(value, input, ctx);
    }
  }
  return out;
}

/**
 * Payload templates (Parameters, ItemSelector, ResultSelector): keys ending in `.$` are evaluated,
 * everything else is copied, recursively through nested objects and arrays.
 * `field` is the template's own name; AWS's causes quote the failing `key.$` instead, so it is
 * only kept for callers' symmetry.
 */
export function evaluatePayloadTemplate(
  template: unknown,
  input: unknown,
  ctx: PathContext,
  field: 'Parameters' | 'ItemSelector' | 'ResultSelector' | string,
): unknown {
  void field;
  return evaluateNode(template, input, ctx);
}
