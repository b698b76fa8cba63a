/** Numeric field rules shared by several state types. */
import { at, type Diagnostics } from './diagnostics.js';
import { isJsonataTemplate, checkTemplate } from './jsonata-check.js';
import type { StateCheck } from './context.js';

export interface IntegerRule {
  min: number;
  max?: number;
  integer?: boolean;
}

/** A number field, or in JSONata mode a `{% %}` expression in its place. */
export function checkNumber(check: StateCheck, owner: Record<string, unknown>, field: string, rule: IntegerRule, location = check.location): void {
  const value = owner[field];
  if (value === undefined) return;
  checkNumberValue(check.walk.d, check.language === 'JSONata', value, field, rule, location);
}

export function checkNumberValue(d: Diagnostics, jsonata: boolean, value: unknown, field: string, rule: IntegerRule, location: string): void {
  if (jsonata && isJsonataTemplate(value)) return checkTemplate(value, at(location, field), d);
  const integer = rule.integer ?? true;
  if (typeof value !== 'number' || (integer && !Number.isInteger(value))) {
    return d.schema(`Expected value of type ${integer ? 'Integer' : 'Number'} at field '${field}'`, at(location, field));
  }
  if (value < rule.min) return d.schema(`The value for the field '${field}' must be greater than or equal to ${rule.min}`, at(location, field));
  if (rule.max !== undefined && value > rule.max) d.schema(`The value for the field '${field}' must be less than or equal to ${rule.max}`, at(location, field));
}

/** Rejects a non-string where a string is required. */
export function checkString(d: Diagnostics, owner: Record<string, unknown>, field: string, location: string): boolean {
  const value = owner[field];
  if (value === undefined || typeof value === 'string') return true;
  d.schema(`Expected value of type String at field '${field}'`, at(location, field));
  return false;
}
