/** `{% ... %}` templates: which strings are JSONata, and compiling them once. */
import jsonata from 'jsonata';
import { LinearRegExp } from '../bounded/regexp.js';
import { registerStepFunctionsFunctions } from './functions.js';
import { attachGuards, EVALUATION_LIMITS } from './limits.js';

/** A JSONata template is a whole string wrapped in `{%` and `%}`; anything else is a literal. */
export function isJsonataTemplate(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 4 && value.startsWith('{%') && value.endsWith('%}');
}

/** The expression inside a template, as AWS quotes it in causes. */
export function expressionOf(template: string): string {
  return template.slice(2, -2).trim();
}

// Definitions repeat the same expressions on every step; parsing is the costly part.
const CACHE_LIMIT = 1000;
const cache = new Map<string, jsonata.Expression>();

/** Compiles an expression with AWS's extra functions and the evaluation guards. Throws jsonata's parse error. */
export function compile(expression: string): jsonata.Expression {
  let compiled = cache.get(expression);
  if (compiled) return compiled;
  compiled = jsonata(expression, {
    timeout: EVALUATION_LIMITS.timeoutMs,
    stack: EVALUATION_LIMITS.maxDepth,
    sequence: EVALUATION_LIMITS.maxSequence,
    RegexEngine: LinearRegExp as unknown as RegExpConstructor,
  });
  registerStepFunctionsFunctions(compiled);
  attachGuards(compiled);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(expression, compiled);
  return compiled;
}
