/**
 * AWS compares Choice timestamps as RFC 3339 date-times: `T` separator, a zone (`Z` or `±hh:mm`)
 * required, optional fractional seconds. Anything else is "not a timestamp" (the rule is false).
 */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/i;

/** Epoch nanoseconds as a bigint, so sub-millisecond digits still order correctly; undefined if invalid. */
export function parseTimestamp(value: unknown): bigint | undefined {
  if (typeof value !== 'string') return undefined;
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone, zh, zm] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return undefined;
  let offsetMinutes = 0;
  if (zone!.toUpperCase() !== 'Z') {
    const sign = zone!.startsWith('-') ? -1 : 1;
    const [oh, om] = [Number(zh), Number(zm)];
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const epochSeconds = Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - offsetMinutes * 60;
  const nanos = BigInt(((frac ?? '.').slice(1) + '000000000').slice(0, 9));
  return BigInt(epochSeconds) * 1_000_000_000n + nanos;
}

export function isTimestamp(value: unknown): boolean {
  return parseTimestamp(value) !== undefined;
}
