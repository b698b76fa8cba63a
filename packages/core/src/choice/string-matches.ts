/**
 * StringMatches: `*` matches any run of characters (including none); `\*` is a literal star and
 * `\\` a literal backslash. Everything else matches itself.
 */
export function stringMatches(value: string, pattern: string): boolean {
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\')) {
      source += escapeRegExp(pattern[++i]!);
    } else if (ch === '*') {
      source += '[\\s\\S]*';
    } else {
      source += escapeRegExp(ch);
    }
  }
  return new RegExp(`${source}$`).test(value);
}

function escapeRegExp(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
