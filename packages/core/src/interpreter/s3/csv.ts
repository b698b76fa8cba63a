/**
 * Delimited text as Step Functions reads it for a Distributed Map: newlines end records; a field
 * may be quoted to hold delimiters and newlines; `""` inside quotes is one quote; a backslash
 * escapes a backslash, a quote or the delimiter and is dropped before any other character.
 */
export const CSV_DELIMITERS: Record<string, string> = { COMMA: ',', PIPE: '|', SEMICOLON: ';', SPACE: ' ', TAB: '\t' };

/** The records of `text`, each a list of fields; blank lines make no record. */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  /** The record has content (a blank line is no record). */
  let touched = false;
  const endRecord = () => {
    if (touched) records.push([...record, field]);
    record = [];
    field = '';
    touched = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      const next = text[++i]!;
      if (next === '\\' || next === '"' || next === delimiter) field += next;
      else i--; // the backslash alone is dropped; the next character is read as usual
      touched = true;
      continue;
    }
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') field += text[++i];
      else quoted = false;
      continue;
    }
    if (c === '"') {
      quoted = true;
      touched = true;
    } else if (c === delimiter) {
      record.push(field);
      field = '';
      touched = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
    } else {
      field += c;
      touched = true;
    }
  }
  endRecord();
  return records;
}

/** Rows as objects keyed by the headers: missing fields are empty strings, extra ones dropped. */
export function csvItems(rows: string[][], headers: string[]): Record<string, string>[] {
  return rows.map((row) => Object.fromEntries(headers.map((h, i) => [h, row[i] ?? ''])));
}
