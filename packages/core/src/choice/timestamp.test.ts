import { describe, expect, it } from 'vitest';
import { isTimestamp, parseTimestamp } from './timestamp.js';

describe('parseTimestamp', () => {
  it.each(['2012-10-09T19:00:55Z', '2012-10-09T19:00:55.123Z', '2012-10-09T19:00:55+01:00', '2016-02-29T00:00:00-05:30'])(
    'accepts %s',
    (value) => expect(isTimestamp(value)).toBe(true),
  );
  it.each([
    '2012-10-09T19:00:55',
    '2012-10-09 19:00:55Z',
    '2023-02-24',
    '2016-13-05T21:29:29Z',
    '2016-12-05T25:29:29Z',
    '2015-02-29T00:00:00Z',
    '05-12-2016T21:29:29Z',
    '',
  ])('rejects %s', (value) => expect(isTimestamp(value)).toBe(false));
  it('rejects non-strings', () => {
    expect(isTimestamp(0)).toBe(false);
    expect(isTimestamp(null)).toBe(false);
  });
  it('applies the zone offset and keeps sub-millisecond precision', () => {
    expect(parseTimestamp('2012-10-09T20:00:55+01:00')).toBe(parseTimestamp('2012-10-09T19:00:55Z'));
    expect(parseTimestamp('2012-10-09T19:00:55.0000001Z')! > parseTimestamp('2012-10-09T19:00:55Z')!).toBe(true);
  });
});
