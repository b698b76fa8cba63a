import { describe, expect, it } from 'vitest';
import { decodeNextToken, encodeNextToken, resolveMaxResults, TOKEN_TTL_MS } from './pagination.js';
import { InvalidToken } from './errors.js';

const now = Date.UTC(2024, 0, 1);
const opts = { scope: 'ListExecutions|arn:sm|RUNNING', now };
const cursor = { after: 'exec-42', start: 1700000000000 };

function tokenError(token: string, o = opts): InvalidToken {
  try {
    decodeNextToken(token, o);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidToken);
    return e as InvalidToken;
  }
  throw new Error('expected InvalidToken');
}

describe('nextToken', () => {
  it('round-trips a cursor', () => {
    const token = encodeNextToken(cursor, opts);
    expect(token).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(decodeNextToken(token, { ...opts, now: now + 1000 })).toEqual(cursor);
  });

  it('round-trips with a secret and refuses the token without it', () => {
    const token = encodeNextToken(cursor, { ...opts, secret: 's3cret' });
    expect(decodeNextToken(token, { ...opts, secret: 's3cret' })).toEqual(cursor);
    tokenError(token);
  });

  it('refuses an edited cursor', () => {
    const body = JSON.parse(Buffer.from(encodeNextToken(cursor, opts), 'base64').toString());
    body.c.after = 'exec-0';
    const forged = Buffer.from(JSON.stringify(body)).toString('base64');
    const err = tokenError(forged);
    expect(err.toBody()).toEqual({ __type: 'InvalidToken', message: "Invalid Token: 'Invalid nextToken'" });
  });

  it('refuses garbage, truncation, other versions and another scope', () => {
    const token = encodeNextToken(cursor, opts);
    tokenError('not a token!');
    tokenError(token.slice(0, -4));
    tokenError(Buffer.from('[1,2]').toString('base64'));
    tokenError(Buffer.from('{"v":2,"t":0,"c":1,"h":"x"}').toString('base64'));
    tokenError(token, { ...opts, scope: 'ListExecutions|arn:other|RUNNING' });
  });

  it('expires after 24 hours', () => {
    const token = encodeNextToken(cursor, opts);
    expect(decodeNextToken(token, { ...opts, now: now + TOKEN_TTL_MS })).toEqual(cursor);
    tokenError(token, { ...opts, now: now + TOKEN_TTL_MS + 1 });
  });

  it('refuses cursors that would not fit the 1024-char token limit', () => {
    expect(() => encodeNextToken('x'.repeat(800), opts)).toThrow(/too large/);
  });
});

describe('resolveMaxResults', () => {
  it('defaults absent or 0 to 100 and caps at 1000', () => {
    expect(resolveMaxResults(undefined)).toBe(100);
    expect(resolveMaxResults(null)).toBe(100);
    expect(resolveMaxResults(0)).toBe(100);
    expect(resolveMaxResults(7)).toBe(7);
    expect(resolveMaxResults(1000)).toBe(1000);
    expect(resolveMaxResults(5000)).toBe(1000);
    expect(resolveMaxResults(0, 50)).toBe(50);
  });
});
