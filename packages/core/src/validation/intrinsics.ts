/**
 * Syntax of intrinsic function calls in `.$` values, e.g. `States.Format('x {}', $.a)`.
 * Arguments are single-quoted strings (only `\'`, `\{`, `\}` and `\\` may be escaped), numbers,
 * booleans, null, JSONPaths and nested calls.
 */
import { parseJsonPath } from './jsonpath.js';

const FUNCTIONS = new Set([
  'Format', 'StringToJson', 'JsonToString', 'Array', 'ArrayPartition', 'ArrayContains', 'ArrayRange',
  'ArrayGetItem', 'ArrayLength', 'ArrayUnique', 'Base64Encode', 'Base64Decode', 'Hash', 'JsonMerge',
  'MathRandom', 'MathAdd', 'StringSplit', 'UUID',
]);

export function looksLikeIntrinsic(text: string): boolean {
  return /^\s*States\.\w+\s*\(/.test(text);
}

/** Parses a call; returns the JSONPaths among its arguments, or undefined when the syntax is wrong. */
export function parseIntrinsic(text: string): string[] | undefined {
  const parser = new CallParser(text);
  try {
    parser.call();
    parser.space();
    return parser.done() ? parser.paths : undefined;
  } catch {
    return undefined;
  }
}

class CallParser {
  pos = 0;
  readonly paths: string[] = [];
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.pos === this.text.length;
  }

  space(): void {
    while (this.text[this.pos] === ' ') this.pos++;
  }

  private fail(): never {
    throw new Error('bad intrinsic');
  }

  call(): void {
    this.space();
    const name = /^States\.([A-Za-z0-9]+)\(/.exec(this.text.slice(this.pos));
    if (!name || !FUNCTIONS.has(name[1] as string)) this.fail();
    this.pos += name[0].length;
    this.space();
    if (this.text[this.pos] === ')') {
      this.pos++;
      return;
    }
    for (;;) {
      this.argument();
      this.space();
      const ch = this.text[this.pos++];
      if (ch === ')') return;
      if (ch !== ',') this.fail();
    }
  }

  private argument(): void {
    this.space();
    const rest = this.text.slice(this.pos);
    if (rest.startsWith("'")) return this.string();
    if (rest.startsWith('States.')) return this.call();
    if (rest.startsWith('$')) return this.path();
    const literal = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)(?=[\s,)])/.exec(rest);
    if (!literal) this.fail();
    this.pos += literal[0].length;
  }

  private string(): void {
    this.pos++;
    for (;;) {
      const ch = this.text[this.pos++];
      if (ch === undefined) this.fail();
      if (ch === "'") return;
      if (ch === '\\') {
        const escaped = this.text[this.pos++];
        if (escaped === undefined || !"'{}\\".includes(escaped)) this.fail();
      }
    }
  }

  /** A path argument runs to the next top-level `,` or `)`. */
  private path(): void {
    const start = this.pos;
    let depth = 0;
    let quote: string | undefined;
    for (; this.pos < this.text.length; this.pos++) {
      const ch = this.text[this.pos];
      if (quote) {
        if (ch === quote) quote = undefined;
      } else if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '[' || ch === '(') depth++;
      else if ((ch === ']' || ch === ')') && depth > 0) depth--;
      else if ((ch === ',' || ch === ')') && depth === 0) break;
    }
    const path = this.text.slice(start, this.pos).trim();
    if (parseJsonPath(path) === undefined) this.fail();
    this.paths.push(path);
  }
}
