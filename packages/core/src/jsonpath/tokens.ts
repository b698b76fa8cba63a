/**
 * Splits the part of a path after its root (`$`, `$$` or `$name`) into segments.
 * Only definite paths (plain names and single indices) are split: AWS (Jayway JsonPath underneath)
 * treats those as "one node or an error", while wildcards, slices, unions, filters and deep scans
 * yield a list, possibly empty. For the latter this returns `undefined` and the caller hands the
 * path to jsonpath-plus.
 */
export type Segment = string | number;

const NAME_STOP = new Set(['.', '[']);

export function definiteSegments(rest: string): Segment[] | undefined {
  const segments: Segment[] = [];
  let i = 0;
  while (i < rest.length) {
    const ch = rest[i];
    if (ch === '.') {
      if (rest[i + 1] === '.' || rest[i + 1] === '*') return undefined;
      let j = i + 1;
      while (j < rest.length && !NAME_STOP.has(rest[j]!)) j++;
      const name = rest.slice(i + 1, j);
      if (name === '' || name.endsWith(')')) return undefined;
      segments.push(name);
      i = j;
    } else if (ch === '[') {
      const quote = rest[i + 1];
      if (quote === "'" || quote === '"') {
        // Bracket names are taken literally up to the matching quote and `]`.
        const end = rest.indexOf(`${quote}]`, i + 2);
        if (end < 0) return undefined;
        const name = rest.slice(i + 2, end);
        if (name.includes(`${quote},`) || name.includes(`${quote} ,`)) return undefined;
        segments.push(name);
        i = end + 2;
      } else {
        const end = rest.indexOf(']', i);
        if (end < 0) return undefined;
        const body = rest.slice(i + 1, end).trim();
        if (!/^-?\d+$/.test(body)) return undefined;
        segments.push(Number(body));
        i = end + 1;
      }
    } else {
      return undefined;
    }
  }
  return segments;
}

/** Jayway's normalized form, as AWS quotes it in causes: `$['a'][0]`. */
export function normalizePath(segments: readonly Segment[]): string {
  return '$' + segments.map((s) => (typeof s === 'number' ? `[${s}]` : `['${s}']`)).join('');
}
