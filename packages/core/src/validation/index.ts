/**
 * The state machine definition validator: ValidateStateMachineDefinition's diagnostics,
 * CreateStateMachine/UpdateStateMachine's InvalidDefinition, and DescribeStateMachine's
 * variableReferences.
 */
import type { StateMachineDefinition } from '../asl/types.js';
import { InvalidDefinition } from '../api/errors.js';
import { isObject, type Diagnostic, type MachineType } from './diagnostics.js';
import { notAnObject, parseJsonText } from './json-text.js';
import { checkDefinition } from './machine.js';
import { invalidDefinitionMessage } from './messages.js';

export type { Diagnostic } from './diagnostics.js';
export { variableReferences } from './variable-references.js';

export interface ValidateOptions {
  type?: MachineType;
}

type Outcome = { value: StateMachineDefinition; diagnostics: Diagnostic[] } | { value: undefined; diagnostics: Diagnostic[] };

function run(definition: string, options: ValidateOptions): Outcome {
  const parsed = parseJsonText(definition);
  if (!parsed.ok) return { value: undefined, diagnostics: [parsed.diagnostic] };
  if (!isObject(parsed.value)) return { value: undefined, diagnostics: [notAnObject()] };
  const diagnostics = checkDefinition(parsed.value, options.type ?? 'STANDARD').list;
  return { value: parsed.value as unknown as StateMachineDefinition, diagnostics };
}

/** All diagnostics for a definition text, as ValidateStateMachineDefinition reports them. */
export function validateDefinition(definition: string, options: ValidateOptions = {}): Diagnostic[] {
  return run(definition, options).diagnostics;
}

/** For CreateStateMachine / UpdateStateMachine: the parsed definition, or InvalidDefinition. */
export function parseDefinition(definition: string, options: ValidateOptions = {}): StateMachineDefinition {
  const { value, diagnostics } = run(definition, options);
  const errors = diagnostics.filter((d) => d.severity === 'ERROR');
  if (value === undefined || errors.length > 0) throw new InvalidDefinition(invalidDefinitionMessage(definition, errors));
  return value;
}
