/**
 * StringMatches: `*` matches any run of characters (including none); `\*` is a literal star and
 * `\\` a literal backslash. Everything else matches itself.
 *
 * Matched without a regular expression, in linear time: the literal pieces between the stars
 * must appear in order, the first at the start and the last at the end, and taking each middle
 * piece at its leftmost place never loses a match. (A regex of `[\s\S]*` runs backtracks
 * polynomially in the number of stars: thirty of them over a long string take minutes.)
 */
export function stringMatches(value: string, pattern: string): boolean {
  const pieces = literalPieces(pattern);
  const first = pieces[0]!;
  if (pieces.length === 1) return value === first;
  const last = pieces[pieces.length - 1]!;
  const end = value.length - last.length;
  if (end < first.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  let at = first.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = value.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

/** The pattern's literal text between its unescaped stars (one piece when it has none). */
function literalPieces(pattern: string): string[] {
  const pieces: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\')) {
      current += pattern[++i]!;
    } else if (ch === '*') {
      pieces.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  pieces.push(current);
  return pieces;
}
