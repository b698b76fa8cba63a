/**
 * Payload templates (Parameters, ItemSelector, ResultSelector, Assign, Arguments, Output) and the
 * per-field value rules shared by every state type.
 */
import { at, isObject, type Diagnostics, type QueryLanguage } from './diagnostics.js';
import { parseIntrinsic } from './intrinsics.js';
import { checkTemplate, isJsonataTemplate } from './jsonata-check.js';
import { isReferencePath, parseJsonPath } from './jsonpath.js';

/** JSONPath mode: every `key.$` must hold a JSONPath or an intrinsic call. Location is the enclosing object. */
export function checkJsonPathTemplate(value: unknown, location: string, d: Diagnostics): void {
  if (Array.isArray(value)) return value.forEach((item, i) => checkJsonPathTemplate(item, at(location, i), d));
  if (!isObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (key.endsWith('.$')) {
      if (!isDynamicValue(child)) d.schema(`The value for the field '${key}' must be a valid JSONPath or a valid intrinsic function call`, location);
    } else {
      checkJsonPathTemplate(child, at(location, key), d);
    }
  }
}

export function isDynamicValue(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  return parseJsonPath(value) !== undefined || parseIntrinsic(value) !== undefined;
}

/** JSONata mode: every `{% %}` string anywhere in the value must parse. Location is the string's own. */
export function checkJsonataTemplate(value: unknown, location: string, d: Diagnostics): void {
  if (isJsonataTemplate(value)) return checkTemplate(value, location, d);
  if (Array.isArray(value)) return value.forEach((item, i) => checkJsonataTemplate(item, at(location, i), d));
  if (!isObject(value)) return;
  for (const [key, child] of Object.entries(value)) checkJsonataTemplate(child, at(location, key), d);
}

export function checkTemplateFor(language: QueryLanguage, value: unknown, location: string, d: Diagnostics): void {
  if (language === 'JSONata') checkJsonataTemplate(value, location, d);
  else checkJsonPathTemplate(value, location, d);
}

const MAX_VARIABLE_NAME = 80;
const VARIABLE_NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;

/** Assign: an object whose keys are variable names (`name.$` in JSONPath mode). */
export function checkAssign(value: unknown, language: QueryLanguage, location: string, d: Diagnostics): void {
  const here = at(location, 'Assign');
  if (!isObject(value)) return d.schema("The value for the field 'Assign' must be an OBJECT", location);
  for (const key of Object.keys(value)) {
    const name = language === 'JSONPath' && key.endsWith('.$') ? key.slice(0, -2) : key;
    if (name === 'states') d.schema(`The variable name '${name}' is reserved`, here);
    else if (name.length > MAX_VARIABLE_NAME) d.schema(`The variable name '${name}' exceeds the maximum length of ${MAX_VARIABLE_NAME}`, here);
    else if (!VARIABLE_NAME.test(name)) d.schema(`The variable name '${name}' is not valid`, here);
  }
  checkTemplateFor(language, value, here, d);
}

/** InputPath / OutputPath / ItemsPath and other plain paths: null (where allowed) or a JSONPath. */
export function checkPath(state: Record<string, unknown>, field: string, location: string, d: Diagnostics, nullable = true): void {
  const value = state[field];
  if (value === undefined || (value === null && nullable)) return;
  if (typeof value !== 'string' || parseJsonPath(value) === undefined) d.schema(`The value for the field '${field}' must be a valid JSONPath`, location);
}

/** ResultPath: null or a reference path naming one node of the input. */
export function checkResultPath(state: Record<string, unknown>, location: string, d: Diagnostics): void {
  const value = state['ResultPath'];
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || !isReferencePath(value)) d.schema("The value for the field 'ResultPath' must be a valid ReferencePath", location);
}
