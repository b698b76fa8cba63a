/**
 * The model's `pattern` traits are Java regexes, applied by AWS with `Matcher.matches()`:
 * the whole value must match (evidence: AWS rejects values in which an unanchored pattern
 * would find a match). This turns one into an equivalent JS RegExp.
 *
 * The three patterns in the Step Functions model:
 * - `\p{ASCII}*` (TraceHeader): Java's POSIX class. Without the `u` flag JS reads `\p` as a
 *   literal `p` and the pattern silently means something else, so it is rewritten to
 *   `[\x00-\x7F]`. This is the one JS cannot take as is.
 * - `^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$` (CharacterRestrictedName): valid JS, but Java's
 *   `.` also refuses U+0085, so `.` is rewritten to Java's line-terminator set.
 * - `[!-~]+` (ClientToken): same in both.
 *
 * All are compiled with `u` so that, as in Java, a class sees code points, not UTF-16 halves.
 */
const POSIX: Readonly<Record<string, string>> = {
  ASCII: '\\x00-\\x7F',
  Lower: 'a-z',
  Upper: 'A-Z',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  XDigit: '0-9a-fA-F',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  Space: ' \\t\\n\\x0B\\f\\r',
};

/** Java's `.` without DOTALL: anything but \n \r U+0085 U+2028 U+2029. */
const JAVA_DOT = '[^\\n\\r\\u0085\\u2028\\u2029]';

export function javaPatternToJs(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const m = /^\\([pP])\{(?:Is)?(\w+)\}/.exec(pattern.slice(i));
      if (m && POSIX[m[2]!] !== undefined) {
        const body = POSIX[m[2]!]!;
        const negated = m[1] === 'P';
        if (inClass && negated) throw new Error(`unsupported Java regex construct in ${pattern}`);
        out += inClass ? body : `[${negated ? '^' : ''}${body}]`;
        i += m[0].length - 1;
        continue;
      }
      const next = pattern[i + 1] ?? '';
      // `u` mode refuses identity escapes of non-syntax characters outside a class.
      if (!inClass && next === '-') out += '-';
      // Any other escape means the same in both dialects for what the model uses.
      else out += c + next;
      i++;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    out += c === '.' && !inClass ? JAVA_DOT : c;
  }
  return out;
}

const cache = new Map<string, RegExp>();

/** Compiled full-match RegExp for a model pattern (memoized). */
export function compileJavaPattern(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${javaPatternToJs(pattern)})$`, 'u');
    cache.set(pattern, re);
  }
  return re;
}
