/** AWS's cause texts for JSONata evaluation failures (the interpreter prefixes the state and event). */

const quote = (expression: string, field: string) => `The JSONata expression '${expression}' specified for the field '${field}'`;

export function returnedNothingCause(expression: string, field: string): string {
  return `${quote(expression, field)} returned nothing (undefined).`;
}

export function threwCause(expression: string, field: string, code: string | undefined, message: string): string {
  return `${quote(expression, field)} threw an error during evaluation. ${code ? `${code}: ` : ''}${message}`;
}

export function unsupportedResultCause(expression: string, field: string): string {
  return `${quote(expression, field)} returned an unsupported result type.`;
}

/** A JSON type name as AWS reports it. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

export function unexpectedTypeCause(expression: string, field: string, expected: string, value: unknown): string {
  const actual = jsonTypeOf(value) === 'integer' ? 'number' : jsonTypeOf(value);
  return `${quote(expression, field)} returned an unexpected result type. Expected '${expected}', but was '${actual}' for value: ${JSON.stringify(value)}`;
}
