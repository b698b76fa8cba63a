import { StatesError } from '../../errors.js';
import { evaluatePayloadTemplate } from '../../jsonpath/index.js';
import { jsonata } from '../dataflow.js';
import type { StateContext } from '../states/state-context.js';

/**
 * The S3 request of an ItemReader or ResultWriter: its Parameters (JSONPath, `.$` keys over the
 * input) or Arguments (JSONata); anything but an object fails with `error`.
 */
export async function s3Request(
  spec: { Parameters?: unknown; Arguments?: unknown },
  sc: StateContext,
  input: unknown,
  error: string,
  field: 'ItemReader' | 'ResultWriter',
): Promise<Record<string, unknown>> {
  let request: unknown;
  if (sc.language === 'JSONata') request = spec.Arguments === undefined ? {} : await jsonata(sc, spec.Arguments, 'Arguments');
  else request = spec.Parameters === undefined ? {} : evaluatePayloadTemplate(spec.Parameters, input, sc.paths(), 'Parameters');
  if (typeof request !== 'object' || request === null || Array.isArray(request)) throw new StatesError(error, `The ${field} parameters must be a JSON object.`);
  return request as Record<string, unknown>;
}
