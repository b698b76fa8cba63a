/**
 * Regular expressions that cannot backtrack for ever. A pattern from a definition (JSONata's
 * `$match`, `$replace`, `$split`, `$contains` with a regex; a Choice `StringMatches` pattern) run
 * on a 256 KiB input could otherwise hold the event loop for minutes (`/(a+)+$/`), out of reach
 * of any timeout, because one `exec` is one uninterruptible call.
 *
 * - V8 is told to finish any expression that backtracks excessively on its linear-time engine
 *   (`--enable-experimental-regexp-engine-on-excessive-backtracks`): same answers, bounded time.
 * - That engine cannot run backreferences or lookaround, so JSONata's regexes (LinearRegExp, its
 *   RegexEngine) refuse them; Choice patterns never make them.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

/** Thrown by LinearRegExp; jsonata passes it through with its code, as a QueryEvaluationError. */
export const UNSUPPORTED_REGEX = 'D9003';

/** What in a pattern only the backtracking engine can run: a backreference or a lookaround, outside a class. */
export function backtrackingOnly(source: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || (next === 'k' && source[i + 2] === '<'))) return 'a backreference';
      i++;
    } else if (ch === '[') {
      inClass = true;
    } else if (ch === ']') {
      inClass = false;
    } else if (ch === '(' && !inClass && /^\(\?<?[=!]/.test(source.slice(i, i + 4))) {
      return 'a lookaround assertion';
    }
  }
  return undefined;
}

/** JSONata's RegexEngine: a RegExp that V8 can always finish in linear time. */
export class LinearRegExp extends RegExp {
  constructor(pattern: string | RegExp, flags?: string) {
    const source = typeof pattern === 'string' ? pattern : pattern.source;
    const refused = backtrackingOnly(source);
    if (refused) throw { code: UNSUPPORTED_REGEX, message: `The regular expression /${source}/ uses ${refused}, which RedStep does not run (it can take exponential time).` };
    super(pattern, flags);
  }
}
