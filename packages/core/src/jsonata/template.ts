import type { JsonataScope } from './evaluate.js';
import { evaluateExpression } from './evaluate.js';
import { expressionOf, isJsonataTemplate } from './expression.js';

/**
 * Evaluates a JSONata-mode template (Output, Arguments, Assign values, ...): every `{% %}` string,
 * at any depth, is replaced by its value; everything else is copied. `field` names the template
 * and grows with the keys walked ("Output/result"), as AWS's causes and EvaluationFailed show.
 */
export async function evaluateTemplate(template: unknown, scope: JsonataScope, field: string): Promise<unknown> {
  if (isJsonataTemplate(template)) return evaluateExpression(expressionOf(template), scope, field);
  if (Array.isArray(template)) {
    const out: unknown[] = [];
    for (const [i, item] of template.entries()) out.push(await evaluateTemplate(item, scope, `${field}/${i}`));
    return out;
  }
  if (typeof template === 'object' && template !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(template)) out[key] = await evaluateTemplate(value, scope, `${field}/${key}`);
    return out;
  }
  return template;
}
