/** Checks shared by every state, then the per-type schema. */
import { at, isObject, type QueryLanguage } from './diagnostics.js';
import type { StateCheck, Walk } from './context.js';
import { STATE_TYPES, fieldVerdict, isStateType, type StateTypeName } from './fields.js';
import { checkAssign, checkTemplateFor } from './payload.js';
import { checkCatch, checkRetry } from './retry-catch.js';
import { checkChoice } from './states/choice.js';
import { checkFail } from './states/fail.js';
import { checkMap } from './states/map.js';
import { checkParallel } from './states/parallel.js';
import { checkPass } from './states/pass.js';
import { checkSucceed } from './states/succeed.js';
import { checkTask } from './states/task.js';
import { checkWait } from './states/wait.js';

const MAX_STATE_NAME = 80;
const TERMINAL_TYPES: StateTypeName[] = ['Choice', 'Succeed', 'Fail'];

export function checkState(walk: Walk, name: string, value: unknown, location: string, inherited: QueryLanguage): void {
  const d = walk.d;
  checkName(walk, name, location);
  if (!isObject(value)) return d.schema('Expected value of type OBJECT', location);
  const type = value['Type'];
  if (type === undefined) return d.schema('These fields are required: [Type]', location);
  if (!isStateType(type)) return d.schema(`The field 'Type' should have one of these values: [${STATE_TYPES.join(', ')}]`, at(location, 'Type'));
  const language = stateLanguage(walk, value, location, inherited);
  const check: StateCheck = { walk, name, state: value, location, language };
  for (const field of Object.keys(value)) {
    const verdict = fieldVerdict(type, language, field);
    if (verdict === 'unsupported') d.schema(`Field '${field}' is not supported`, location);
    else if (verdict === 'other-language') d.schema(`The QueryLanguage is set to '${language}', but field '${field}' is only supported for the '${language === 'JSONPath' ? 'JSONata' : 'JSONPath'}' QueryLanguage`, location);
  }
  if (value['Comment'] !== undefined && typeof value['Comment'] !== 'string') d.schema("Expected value of type String at field 'Comment'", at(location, 'Comment'));
  if (!TERMINAL_TYPES.includes(type)) checkTransition(check);
  if (value['Assign'] !== undefined && fieldVerdict(type, language, 'Assign') === 'ok') checkAssign(value['Assign'], language, location, d);
  if (language === 'JSONata' && value['Output'] !== undefined && fieldVerdict(type, language, 'Output') === 'ok') {
    checkTemplateFor('JSONata', value['Output'], at(location, 'Output'), d);
  }
  checkType(check, type);
  if (type === 'Task' || type === 'Parallel' || type === 'Map') {
    checkRetry(check);
    checkCatch(check);
  }
}

function checkName(walk: Walk, name: string, location: string): void {
  if (name.length > MAX_STATE_NAME) walk.d.error('INVALID_STATE_NAME', `State name '${name}' exceeds the maximum length of ${MAX_STATE_NAME} characters`, location);
  if (walk.names.has(name)) walk.d.error('DUPLICATE_STATE_NAME', `Duplicate State name: ${name}`, location);
  else walk.names.set(name, location);
}

/** A state may narrow nothing: under a JSONata machine it cannot go back to JSONPath. */
function stateLanguage(walk: Walk, state: Record<string, unknown>, location: string, inherited: QueryLanguage): QueryLanguage {
  const declared = state['QueryLanguage'];
  if (declared === undefined) return inherited;
  if (declared !== 'JSONPath' && declared !== 'JSONata') {
    walk.d.schema("The field 'QueryLanguage' should have one of these values: [JSONPath, JSONata]", at(location, 'QueryLanguage'));
    return inherited;
  }
  if (declared === 'JSONPath' && walk.rootLanguage === 'JSONata') {
    walk.d.schema("'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine", location);
  }
  return declared;
}

/** Next or End, exactly one. */
function checkTransition(check: StateCheck): void {
  const { state, location, walk } = check;
  const hasNext = 'Next' in state;
  const end = state['End'];
  if (end !== undefined && typeof end !== 'boolean') walk.d.schema("Expected value of type Boolean at field 'End'", at(location, 'End'));
  if (hasNext && typeof state['Next'] !== 'string') walk.d.schema("Expected value of type String at field 'Next'", at(location, 'Next'));
  if (hasNext && end === true) walk.d.schema('These fields cannot be specified together: [Next, End]', location);
  else if (!hasNext && end !== true) walk.d.schema('Exactly one of these fields must be provided: [Next, End]', location);
}

function checkType(check: StateCheck, type: StateTypeName): void {
  switch (type) {
    case 'Pass':
      return checkPass(check);
    case 'Task':
      return checkTask(check);
    case 'Choice':
      return checkChoice(check);
    case 'Wait':
      return checkWait(check);
    case 'Succeed':
      return checkSucceed(check);
    case 'Fail':
      return checkFail(check);
    case 'Parallel':
      return checkParallel(check);
    case 'Map':
      return checkMap(check);
    default: {
      const unreachable: never = type;
      throw new Error(`unknown state type ${String(unreachable)}`);
    }
  }
}
