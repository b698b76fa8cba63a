/**
 * Parsing the definition text. AWS parses with Jackson, so a syntax error is described the way
 * Jackson describes it (message plus a `[Source: ...; line: L, column: C]` location). JSON.parse does
 * the real work; the scanner below only runs on failure, to find and word the first error.
 */
import type { Diagnostic } from './diagnostics.js';

export type ParseResult = { ok: true; value: unknown } | { ok: false; diagnostic: Diagnostic };

const MAX_SOURCE_CHARS = 500;
const VALUE_EXPECTED = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

export function parseJsonText(text: string): ParseResult {
  if (text.trim() === '') return { ok: false, diagnostic: notAnObject() };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, diagnostic: new Scanner(text).firstError() };
  }
}

export function notAnObject(): Diagnostic {
  return { severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'Definition must be a valid JSON object' };
}

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x20 ? `(CTRL-CHAR, code ${code})` : `'${ch}' (code ${code})`;
}

class Scanner {
  private pos = 0;
  constructor(private readonly text: string) {}

  firstError(): Diagnostic {
    try {
      this.value();
      // JSON.parse refused something the scanner accepts (trailing content): report it at the end.
      throw new JsonSyntaxError(`Unexpected character (${describeChar(this.text[this.pos] ?? ' ')}): expected end-of-input`, this.pos + 1);
    } catch (err) {
      if (!(err instanceof JsonSyntaxError)) throw err;
      const location = this.location(err.offset);
      return { severity: 'ERROR', code: 'INVALID_JSON_DESCRIPTION', message: `${err.message}\n at ${location}`, location };
    }
  }

  /** Jackson's location: 1-based line, and a column one past the last character consumed. */
  private location(offset: number): string {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset && i < this.text.length; i++) {
      if (this.text[i] === '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    const shown = this.text.length > MAX_SOURCE_CHARS ? `${this.text.slice(0, MAX_SOURCE_CHARS)}"[truncated ${this.text.length - MAX_SOURCE_CHARS} chars]` : `${this.text}"`;
    return `[Source: (String)"${shown}; line: ${line}, column: ${offset - lineStart + 1}]`;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos] as string)) this.pos++;
  }

  private eof(what: string): never {
    throw new JsonSyntaxError(`Unexpected end-of-input: ${what}`, this.text.length);
  }

  private unexpected(expecting: string): never {
    const ch = this.text[this.pos] as string;
    throw new JsonSyntaxError(`Unexpected character (${describeChar(ch)}): ${expecting}`, this.pos + 1);
  }

  private value(): void {
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === undefined) this.eof(`expected a value ${VALUE_EXPECTED}`);
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"') return this.string();
    if (ch === '-' || (ch >= '0' && ch <= '9')) return this.number();
    if (/[A-Za-z_$]/.test(ch)) return this.word();
    this.unexpected(`expected a valid value ${VALUE_EXPECTED}`);
  }

  private word(): void {
    const start = this.pos;
    while (this.pos < this.text.length && /[\p{L}\p{N}_$]/u.test(this.text[this.pos] as string)) this.pos++;
    const token = this.text.slice(start, this.pos);
    if (token === 'true' || token === 'false' || token === 'null') return;
    throw new JsonSyntaxError(`Unrecognized token '${token}': was expecting ${VALUE_EXPECTED}`, this.pos);
  }

  private number(): void {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
    if (!match || match[0] === '-') this.unexpected('expected digit (0-9) to follow minus sign, for valid numeric value');
    this.pos += match[0].length;
  }

  private string(): void {
    this.pos++;
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) this.eof('was expecting closing quote for a string value');
      if (ch === '"') {
        this.pos++;
        return;
      }
      if (ch === '\\') {
        const esc = this.text[this.pos + 1];
        if (esc === undefined) this.eof('was expecting closing quote for a string value');
        if (!'"\\/bfnrtu'.includes(esc)) throw new JsonSyntaxError(`Unrecognized character escape ${describeChar(esc)}`, this.pos + 2);
        this.pos += esc === 'u' ? 6 : 2;
        continue;
      }
      if ((ch.codePointAt(0) ?? 0) < 0x20) {
        throw new JsonSyntaxError(`Illegal unquoted character (${describeChar(ch)}): has to be escaped using backslash to be included in string value`, this.pos + 1);
      }
      this.pos++;
    }
  }

  private object(): void {
    const start = this.pos;
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === undefined) this.eof(`expected close marker for Object (start marker at ${this.location(start + 1)})`);
      if (this.text[this.pos] !== '"') this.unexpected('was expecting double-quote to start field name');
      this.string();
      this.skipSpace();
      if (this.text[this.pos] === undefined) this.eof(`expected close marker for Object (start marker at ${this.location(start + 1)})`);
      if (this.text[this.pos] !== ':') this.unexpected('was expecting a colon to separate field name and value');
      this.pos++;
      this.value();
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === undefined) this.eof(`expected close marker for Object (start marker at ${this.location(start + 1)})`);
      this.pos++;
      if (next === '}') return;
      if (next !== ',') {
        this.pos--;
        this.unexpected('was expecting comma to separate Object entries');
      }
    }
  }

  private array(): void {
    const start = this.pos;
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (;;) {
      this.value();
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === undefined) this.eof(`expected close marker for Array (start marker at ${this.location(start + 1)})`);
      this.pos++;
      if (next === ']') return;
      if (next !== ',') {
        this.pos--;
        this.unexpected('was expecting comma to separate Array entries');
      }
    }
  }
}
