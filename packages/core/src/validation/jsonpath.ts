/**
 * Syntax of JSONPath strings as ASL accepts them: `$` (input), `$$` (context object) or `$name`
 * (a variable), followed by dot, bracket, wildcard, slice, union, filter and deep-scan segments.
 * This checks shape only; whether a path finds anything is a run-time question.
 */

const VARIABLE_NAME = /^[\p{L}_][\p{L}\p{N}_]*/u;
const DOT_NAME = /^[^.[\]\s()'"?,]+/u;

export interface PathInfo {
  /** Variable read by the path (`$name...`), if any. */
  variable?: string;
  /** True when the path contains wildcards, filters, slices, unions or deep scans. */
  dynamic: boolean;
}

/** Parses a JSONPath; undefined when it is not valid. */
export function parseJsonPath(path: string): PathInfo | undefined {
  if (!path.startsWith('$')) return undefined;
  let rest = path.slice(1);
  let variable: string | undefined;
  if (rest.startsWith('$')) rest = rest.slice(1);
  else {
    const name = VARIABLE_NAME.exec(rest);
    if (name) {
      variable = name[0];
      rest = rest.slice(variable.length);
    }
  }
  let dynamic = false;
  while (rest.length > 0) {
    if (rest.startsWith('..')) {
      dynamic = true;
      rest = rest.slice(2);
      const name = rest.startsWith('*') ? ['*'] : DOT_NAME.exec(rest);
      if (name) rest = rest.slice(name[0].length);
      else if (!rest.startsWith('[')) return undefined;
    } else if (rest.startsWith('.')) {
      rest = rest.slice(1);
      if (rest.startsWith('*')) {
        dynamic = true;
        rest = rest.slice(1);
        continue;
      }
      const name = DOT_NAME.exec(rest);
      if (!name) return undefined;
      rest = rest.slice(name[0].length);
      if (rest.startsWith('()')) rest = rest.slice(2); // functions such as length()
    } else if (rest.startsWith('[')) {
      const end = bracketEnd(rest);
      if (end < 0) return undefined;
      const inner = rest.slice(1, end).trim();
      const kind = bracketKind(inner);
      if (kind === undefined) return undefined;
      if (kind === 'dynamic') dynamic = true;
      rest = rest.slice(end + 1);
    } else {
      return undefined;
    }
  }
  return variable === undefined ? { dynamic } : { variable, dynamic };
}

/** Index of the `]` closing the bracket at 0, honouring quotes and parentheses; -1 if none. */
function bracketEnd(text: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 1; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ']' && depth === 0) return i;
  }
  return -1;
}

function bracketKind(inner: string): 'static' | 'dynamic' | undefined {
  if (inner === '*') return 'dynamic';
  if (/^-?\d+$/.test(inner)) return 'static';
  if (/^(['"])(?:\\.|(?!\1).)*\1$/.test(inner)) return 'static';
  if (/^-?\d*\s*:\s*-?\d*(\s*:\s*-?\d*)?$/.test(inner)) return 'dynamic';
  if (/^(-?\d+\s*,\s*)+-?\d+$/.test(inner)) return 'dynamic';
  if (/^((['"])(?:\\.|(?!\2).)*\2\s*,\s*)+(['"])(?:\\.|(?!\3).)*\3$/.test(inner)) return 'dynamic';
  if (/^\?\s*\(.*\)$/s.test(inner)) return 'dynamic';
  return undefined;
}

/** A reference path (ResultPath and the like) names one node: no wildcards, filters or slices. */
export function isReferencePath(path: string): boolean {
  const info = parseJsonPath(path);
  return info !== undefined && !info.dynamic && !path.startsWith('$$') && info.variable === undefined;
}
