import { StatesError } from '../errors.js';
import type { IntrinsicArg, IntrinsicCall } from './ast.js';

/** Only these may follow a backslash inside a string literal; AWS rejects any other (e.g. `\"`). */
const ESCAPABLE = new Set(["'", '{', '}', '\\']);
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/;
const NAME = /^States\.[A-Za-z0-9]+/;

function syntaxError(expression: string, detail: string): StatesError {
  return new StatesError('States.IntrinsicFailure', `Invalid intrinsic function call '${expression}': ${detail}`);
}

/** A recursive-descent parser over the call syntax; one instance per expression. */
class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parse(): IntrinsicCall {
    this.skipSpace();
    const call = this.call();
    this.skipSpace();
    if (this.pos !== this.text.length) throw this.fail(`unexpected '${this.text.slice(this.pos)}'`);
    return call;
  }

  private fail(detail: string): StatesError {
    return syntaxError(this.text, detail);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  private call(): IntrinsicCall {
    const match = NAME.exec(this.text.slice(this.pos));
    if (!match) throw this.fail(`expected a function name at position ${this.pos}`);
    this.pos += match[0].length;
    this.skipSpace();
    if (this.text[this.pos] !== '(') throw this.fail(`expected '(' after ${match[0]}`);
    this.pos++;
    const args: IntrinsicArg[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ')') {
      this.pos++;
      return { kind: 'call', name: match[0], args };
    }
    for (;;) {
      this.skipSpace();
      args.push(this.arg());
      this.skipSpace();
      const ch = this.text[this.pos];
      this.pos++;
      if (ch === ')') return { kind: 'call', name: match[0], args };
      if (ch !== ',') throw this.fail(`expected ',' or ')' at position ${this.pos - 1}`);
    }
  }

  private arg(): IntrinsicArg {
    const rest = this.text.slice(this.pos);
    if (rest.startsWith("'")) return this.string();
    if (rest.startsWith('$')) return this.path();
    if (NAME.test(rest)) return this.call();
    for (const [word, node] of [
      ['true', { kind: 'boolean', value: true }],
      ['false', { kind: 'boolean', value: false }],
      ['null', { kind: 'null' }],
    ] as const) {
      if (rest.startsWith(word) && !/[A-Za-z0-9_]/.test(rest[word.length] ?? '')) {
        this.pos += word.length;
        return node;
      }
    }
    const number = NUMBER.exec(rest);
    if (number) {
      this.pos += number[0].length;
      return { kind: 'number', value: Number(number[0]) };
    }
    throw this.fail(`unexpected argument at position ${this.pos}`);
  }

  private string(): IntrinsicArg {
    let value = '';
    let raw = '';
    this.pos++; // opening quote
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos]!;
      if (ch === "'") {
        this.pos++;
        return { kind: 'string', value, raw };
      }
      if (ch === '\\') {
        const next = this.text[this.pos + 1];
        if (next === undefined || !ESCAPABLE.has(next)) throw this.fail(`illegal escape '\\${next ?? ''}'`);
        value += next;
        raw += next === '{' || next === '}' ? `\\${next}` : next === '\\' ? '\\\\' : next;
        this.pos += 2;
        continue;
      }
      value += ch;
      raw += ch;
      this.pos++;
    }
    throw this.fail('unterminated string literal');
  }

  /** A path runs to the next top-level ',' or ')', skipping brackets, parentheses and quotes. */
  private path(): IntrinsicArg {
    const start = this.pos;
    let depth = 0;
    let quote: string | undefined;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos]!;
      if (quote) {
        if (ch === quote) quote = undefined;
      } else if (ch === "'" || ch === '"') {
        quote = ch;
      } else if (ch === '[' || ch === '(') {
        depth++;
      } else if (ch === ']' || ch === ')') {
        if (depth === 0) break;
        depth--;
      } else if (ch === ',' && depth === 0) {
        break;
      }
      this.pos++;
    }
    return { kind: 'path', path: this.text.slice(start, this.pos).trim() };
  }
}

export function parseIntrinsic(expression: string): IntrinsicCall {
  return new Parser(expression).parse();
}
