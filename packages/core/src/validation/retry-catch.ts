/** Retry and Catch arrays of Task, Parallel and Map states. */
import { at, isObject } from './diagnostics.js';
import type { StateCheck } from './context.js';
import { checkNumberValue } from './numbers.js';
import { checkAssign, checkResultPath, checkTemplateFor } from './payload.js';

const ALL = 'States.ALL';
const RETRIER_FIELDS = ['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy', 'Comment'];
const CATCHER_FIELDS = { JSONPath: ['ErrorEquals', 'Next', 'ResultPath', 'Assign', 'Comment'], JSONata: ['ErrorEquals', 'Next', 'Output', 'Assign', 'Comment'] };

/** ErrorEquals: a non-empty string list where States.ALL stands alone. */
function checkErrorEquals(check: StateCheck, owner: Record<string, unknown>, location: string): boolean {
  const d = check.walk.d;
  const errors = owner['ErrorEquals'];
  if (!Array.isArray(errors) || errors.some((e) => typeof e !== 'string')) {
    d.schema("The value for the field 'ErrorEquals' must be a list of strings", location);
    return false;
  }
  if (errors.length === 0) {
    d.schema('Value cannot be empty', at(location, 'ErrorEquals'));
    return false;
  }
  if (errors.includes(ALL) && errors.length > 1) {
    d.schema(`Error name '${ALL}' must appear alone in the ErrorEquals array`, at(location, 'ErrorEquals'));
    return false;
  }
  return errors.includes(ALL);
}

function checkUnknownFields(check: StateCheck, owner: Record<string, unknown>, allowed: string[], location: string): void {
  for (const key of Object.keys(owner)) {
    if (!allowed.includes(key)) check.walk.d.schema(`Field '${key}' is not supported`, location);
  }
}

export function checkRetry(check: StateCheck): void {
  const { d } = check.walk;
  const retry = check.state['Retry'];
  if (retry === undefined) return;
  const location = at(check.location, 'Retry');
  if (!Array.isArray(retry)) return d.schema("The value for the field 'Retry' must be an ARRAY", check.location);
  retry.forEach((retrier: unknown, i) => {
    const here = at(location, i);
    if (!isObject(retrier)) return d.schema('Expected value of type OBJECT', here);
    checkUnknownFields(check, retrier, RETRIER_FIELDS, here);
    if (!('ErrorEquals' in retrier)) return d.schema('These fields are required: [ErrorEquals]', here);
    const hasAll = checkErrorEquals(check, retrier, here);
    if (hasAll && i !== retry.length - 1) d.schema(`Retrier with '${ALL}' must be the last retrier`, here);
    const jsonata = check.language === 'JSONata';
    if (retrier['IntervalSeconds'] !== undefined) checkNumberValue(d, jsonata, retrier['IntervalSeconds'], 'IntervalSeconds', { min: 1, max: 99999999 }, here);
    if (retrier['MaxAttempts'] !== undefined) checkNumberValue(d, jsonata, retrier['MaxAttempts'], 'MaxAttempts', { min: 0, max: 99999999 }, here);
    if (retrier['BackoffRate'] !== undefined) checkNumberValue(d, jsonata, retrier['BackoffRate'], 'BackoffRate', { min: 1, integer: false }, here);
    if (retrier['MaxDelaySeconds'] !== undefined) checkNumberValue(d, jsonata, retrier['MaxDelaySeconds'], 'MaxDelaySeconds', { min: 1, max: 31622400 }, here);
    const jitter = retrier['JitterStrategy'];
    if (jitter !== undefined && jitter !== 'FULL' && jitter !== 'NONE') {
      d.schema("The field 'JitterStrategy' should have one of these values: [FULL, NONE]", at(here, 'JitterStrategy'));
    }
  });
}

export function checkCatch(check: StateCheck): void {
  const { d } = check.walk;
  const catchers = check.state['Catch'];
  if (catchers === undefined) return;
  const location = at(check.location, 'Catch');
  if (!Array.isArray(catchers)) return d.schema("The value for the field 'Catch' must be an ARRAY", check.location);
  catchers.forEach((catcher: unknown, i) => {
    const here = at(location, i);
    if (!isObject(catcher)) return d.schema('Expected value of type OBJECT', here);
    checkUnknownFields(check, catcher, CATCHER_FIELDS[check.language], here);
    const missing = ['ErrorEquals', 'Next'].filter((f) => !(f in catcher));
    if (missing.length > 0) return d.schema(`These fields are required: [${missing.join(', ')}]`, here);
    const hasAll = checkErrorEquals(check, catcher, here);
    if (hasAll && i !== catchers.length - 1) d.schema(`Catcher with '${ALL}' must be the last catcher`, here);
    if (typeof catcher['Next'] !== 'string') d.schema("Expected value of type String at field 'Next'", at(here, 'Next'));
    if (check.language === 'JSONPath') checkResultPath(catcher, here, d);
    else if (catcher['Output'] !== undefined) checkTemplateFor('JSONata', catcher['Output'], at(here, 'Output'), d);
    if (catcher['Assign'] !== undefined) checkAssign(catcher['Assign'], check.language, here, d);
  });
}
