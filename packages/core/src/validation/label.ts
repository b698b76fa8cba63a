/** Map state `Label` rules. AWS reports these in a different, Python-flavoured message form (see messages.ts). */

const MAX_LABEL_LENGTH = 40;

// Whitespace, brackets, wildcards, special punctuation and control characters are refused.
const FORBIDDEN = new Set([...' <>{}[]?*"#%\\^|~`$&,;:/']);

function isForbidden(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return FORBIDDEN.has(ch) || code <= 0x1f || (code >= 0x7f && code <= 0x9f) || /\s/u.test(ch);
}

/** The problem with a label, or undefined when it is fine. */
export function labelProblem(label: string): string | undefined {
  if (label.length === 0) return 'Label cannot be empty';
  if (label.length > MAX_LABEL_LENGTH) return `Label cannot exceed ${MAX_LABEL_LENGTH} characters`;
  for (const ch of label) {
    if (isForbidden(ch)) return `Label contains invalid character: ${pyRepr(ch)}`;
  }
  return undefined;
}

/** Python's `repr()` of a string: AWS's label messages are rendered this way. */
export function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code <= 0xa0) || code === 0xad) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}
