import { InvalidToken } from '@redstep/core';

/** Page size when maxResults is absent or 0, and the most a caller may ask for. */
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

/** Opaque page tokens: the cursor offset, versioned, base64. */
export function nextPageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ v: 1, o: offset })).toString('base64');
}

export function readPage(token: string | undefined, maxResults: number | undefined): { offset: number; limit: number } {
  const limit = !maxResults ? DEFAULT_PAGE : Math.min(maxResults, MAX_PAGE);
  if (token === undefined) return { offset: 0, limit };
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { v?: unknown; o?: unknown };
    if (parsed.v === 1 && typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0) return { offset: parsed.o, limit };
  } catch {
    // fall through
  }
  throw new InvalidToken(`Invalid Token: '${token}'`);
}
