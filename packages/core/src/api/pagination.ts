/**
 * Opaque `nextToken`s and `maxResults` defaulting for the List* actions.
 *
 * A token is base64 of `{"v":1,"t":<issued ms>,"c":<cursor>,"h":<check>}`. The check is a
 * truncated SHA-256 (HMAC when a secret is configured) over the version, issue time, the
 * request scope and the cursor, so a token that was edited, cut, or replayed against a
 * different listing (AWS: "keep all other arguments unchanged") is refused with InvalidToken,
 * as is one older than 24 hours (AWS expires tokens after 24 hours).
 * Time comes in as an argument so fake clocks work.
 */
import { createHash, createHmac } from 'node:crypto';
import { InvalidToken } from './errors.js';

export const TOKEN_VERSION = 1;
export const TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
/** Smallest token limit in the model (PageToken max 1024; ListExecutions allows 3096). */
export const TOKEN_MAX_LENGTH = 1024;

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export interface TokenOptions {
  /** Identifies the listing (operation plus filters); a token only works for the same scope. */
  readonly scope: string;
  /** Current time in epoch ms. */
  readonly now: number;
  /** Keys the check so clients cannot forge cursors; without it the check only catches damage. */
  readonly secret?: string;
}

interface TokenBody {
  readonly v: number;
  readonly t: number;
  readonly c: unknown;
  readonly h: string;
}

function check(version: number, issued: number, cursor: unknown, opts: TokenOptions): string {
  const data = `${version}|${issued}|${opts.scope}|${JSON.stringify(cursor)}`;
  const h = opts.secret !== undefined ? createHmac('sha256', opts.secret) : createHash('sha256');
  return h.update(data).digest('base64url').slice(0, 16);
}

function invalidToken(): InvalidToken {
  // No AWS sample of this message for a malformed pagination token was found; wording is ours.
  return new InvalidToken("Invalid Token: 'Invalid nextToken'");
}

/** Encodes a JSON-serializable cursor (e.g. the last key returned) as an opaque token. */
export function encodeNextToken(cursor: unknown, opts: TokenOptions): string {
  const body: TokenBody = { v: TOKEN_VERSION, t: opts.now, c: cursor, h: check(TOKEN_VERSION, opts.now, cursor, opts) };
  const token = Buffer.from(JSON.stringify(body), 'utf8').toString('base64');
  if (token.length > TOKEN_MAX_LENGTH) throw new Error(`nextToken cursor too large (${token.length} chars)`);
  return token;
}

/** Decodes a token made by encodeNextToken for the same scope; throws InvalidToken otherwise. */
export function decodeNextToken<T = unknown>(token: string, opts: TokenOptions): T {
  // Buffer.from ignores garbage, so insist on canonical base64 first.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token) || token.length % 4 !== 0) throw invalidToken();
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw invalidToken();
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidToken();
  const { v, t, c, h } = body as Partial<TokenBody>;
  if (v !== TOKEN_VERSION || typeof t !== 'number' || typeof h !== 'string' || !('c' in body)) throw invalidToken();
  if (h !== check(v, t, c, opts)) throw invalidToken();
  if (opts.now - t > TOKEN_TTL_MS || t - opts.now > TOKEN_TTL_MS) throw invalidToken();
  return c as T;
}

/**
 * Page size for a request: absent or 0 means the default (100); anything else is used as is,
 * capped at 1000 (validateRequest already refused values outside 0..1000).
 */
export function resolveMaxResults(
  maxResults: number | null | undefined,
  defaultSize: number = DEFAULT_PAGE_SIZE,
  maxSize: number = MAX_PAGE_SIZE,
): number {
  if (maxResults === undefined || maxResults === null || maxResults <= 0) return defaultSize;
  return Math.min(Math.floor(maxResults), maxSize);
}
