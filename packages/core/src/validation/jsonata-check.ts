/**
 * JSONata `{% ... %}` expressions. AWS parses each one when the definition is stored: a syntax error
 * is INVALID_JSONATA_EXPRESSION with the parser's message (without its Sxxxx code), and a path that
 * starts from the (absent) context item is UNSUPPORTED_JSONATA_EXPRESSION.
 */
import jsonata from 'jsonata';
import type { Diagnostics } from './diagnostics.js';

type Node = { type?: string; value?: unknown; [key: string]: unknown };

export function isJsonataTemplate(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}') && value.length >= 4;
}

export function expressionOf(template: string): string {
  return template.slice(2, -2);
}

/** Parses an expression; the AST, or the parser's message when it does not parse. */
export function parseExpression(expression: string): { ast: Node } | { error: string } {
  try {
    return { ast: jsonata(expression).ast() as unknown as Node };
  } catch (err) {
    const message = (err as { message?: unknown }).message;
    return { error: typeof message === 'string' ? message : String(err) };
  }
}

/** Reports every problem of one `{% %}` template found at `location`. */
export function checkTemplate(template: string, location: string, d: Diagnostics): void {
  const parsed = parseExpression(expressionOf(template));
  if ('error' in parsed) {
    d.error('INVALID_JSONATA_EXPRESSION', parsed.error, location);
    return;
  }
  for (const name of topLevelNames(parsed.ast)) {
    d.error('UNSUPPORTED_JSONATA_EXPRESSION', `Reference to '${name}' at the top level is not supported.`, location);
  }
}

// Children evaluated against a step's own context rather than the (absent) top-level input.
const RELATIVE_KEYS = new Set(['predicate', 'stages', 'group', 'terms', 'focus', 'index', 'tuple']);

/** Names a path starts from at the top level (there is no context item in Step Functions). */
function topLevelNames(root: Node): string[] {
  const names = new Set<string>();
  const walk = (node: unknown, top: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, top));
    if (typeof node !== 'object' || node === null) return;
    const n = node as Node;
    if (n.type === 'name' && top && typeof n.value === 'string') names.add(n.value);
    if (n.type === 'path' && Array.isArray(n.steps)) {
      n.steps.forEach((step, i) => walk(step, top && i === 0));
      return;
    }
    for (const [key, child] of Object.entries(n)) {
      if (key === 'steps') continue;
      walk(child, top && !RELATIVE_KEYS.has(key));
    }
  };
  walk(root, true);
  return [...names];
}

/** Variables an expression reads: `$name` other than `$states`, functions called, and names it binds itself. */
export function jsonataVariables(expression: string): string[] {
  const parsed = parseExpression(expression);
  if ('error' in parsed) return [];
  const read: string[] = [];
  const bound = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const n = node as Node;
    if (n.type === 'bind' && isVariable(n.lhs)) bound.add(n.lhs.value);
    if (n.type === 'lambda' && Array.isArray(n.arguments)) n.arguments.forEach((a) => isVariable(a) && bound.add(a.value));
    if (isVariable(n) && n.value !== '' && n.value !== '$' && n.value !== 'states') read.push(n.value);
    for (const [key, child] of Object.entries(n)) {
      if (key === 'procedure' && isVariable(child)) continue;
      walk(child);
    }
  };
  walk(parsed.ast);
  return read.filter((name) => !bound.has(name));
}

function isVariable(node: unknown): node is { type: 'variable'; value: string } {
  return typeof node === 'object' && node !== null && (node as Node).type === 'variable' && typeof (node as Node).value === 'string';
}
