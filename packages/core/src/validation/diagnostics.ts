/** Diagnostics as ValidateStateMachineDefinition reports them, and the collector the checks write to. */

export interface Diagnostic {
  severity: 'ERROR' | 'WARNING';
  code: string;
  message: string;
  location?: string;
}

export type QueryLanguage = 'JSONPath' | 'JSONata';
export type MachineType = 'STANDARD' | 'EXPRESS';

/** A JSON object as parsed from the definition text. */
export type JsonObject = { [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects diagnostics in the order the checks run, which is the order AWS reports them. */
export class Diagnostics {
  readonly list: Diagnostic[] = [];

  error(code: string, message: string, location?: string): void {
    this.list.push(location === undefined ? { severity: 'ERROR', code, message } : { severity: 'ERROR', code, message, location });
  }

  /** The common case: a schema error at a JSON-pointer-like location. */
  schema(message: string, location: string): void {
    this.error('SCHEMA_VALIDATION_FAILED', message, location);
  }

  get hasErrors(): boolean {
    return this.list.some((d) => d.severity === 'ERROR');
  }
}

/** Location of a child: AWS joins object keys with `/` and writes array indexes as `[i]` on the parent. */
export function at(location: string, key: string | number): string {
  if (typeof key === 'number') return `${location}[${key}]`;
  return location === '/' ? `/${key}` : `${location}/${key}`;
}

/** Type name used in type-mismatch messages. */
export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
