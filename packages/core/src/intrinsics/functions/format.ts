import type { IntrinsicDefinition } from '../signature.js';
import { intrinsicFailure } from '../failure.js';

/**
 * How AWS renders a value into a Format string: strings bare, objects and arrays the way Java
 * prints a Map or List (`{a=1, b=[x, y]}`), not as JSON.
 */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}=${formatValue(v)}`);
    return `{${entries.join(', ')}}`;
  }
  return String(value);
}

/**
 * Fills `{}` placeholders of a template in which `\{`, `\}` and `\\` are still escaped
 * (the parser keeps them so that escaped braces stay literal).
 */
export function fillTemplate(raw: string, args: readonly unknown[]): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '\\' && i + 1 < raw.length) {
      out += raw[++i];
    } else if (ch === '{' && raw[i + 1] === '}') {
      if (next >= args.length) throw placeholderMismatch(raw, args.length);
      out += formatValue(args[next++]);
      i++;
    } else {
      out += ch;
    }
  }
  if (next !== args.length) throw placeholderMismatch(raw, args.length);
  return out;
}

function placeholderMismatch(raw: string, given: number): Error {
  const placeholders = raw.replace(/\\./g, '').split('{}').length - 1;
  return intrinsicFailure(
    `The function States.Format has ${placeholders} placeholder(s) in its format string but received ${given} value argument(s).`,
  );
}

export const format: IntrinsicDefinition = {
  name: 'States.Format',
  params: ['string'],
  rest: 'any',
  escapedTemplate: true,
  run: ([template, ...values]) => fillTemplate(template as string, values),
};
