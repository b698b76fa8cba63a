/**
 * The data flow shared by every state: which query language a state speaks, what `$states` holds,
 * and the Assign / Output fields evaluated against values from before the state's own assignments.
 */
import type { QueryLanguage, State, StateMachineDefinition } from '../asl/types.js';
import { evaluateTemplate, type JsonataScope, type StatesBinding } from '../jsonata/index.js';
import { evaluatePayloadTemplate } from '../jsonpath/index.js';
import type { Outcome, StateContext } from './states/state-context.js';
import type { Variables } from './variables.js';

/** A state's own QueryLanguage, else the machine's, else JSONPath. */
export function languageOf(definition: Pick<StateMachineDefinition, 'QueryLanguage'>, state: Pick<State, 'QueryLanguage'>): QueryLanguage {
  return state.QueryLanguage ?? definition.QueryLanguage ?? 'JSONPath';
}

/** `$states.result` / `$states.errorOutput`, present only where AWS binds them. */
export type StatesExtra = Pick<StatesBinding, 'result' | 'errorOutput'>;

export function jsonataScope(sc: StateContext, extra: StatesExtra = {}, taskToken?: string): JsonataScope {
  const states: StatesBinding = { input: sc.cursor.input, context: sc.paths(taskToken).context };
  if ('result' in extra) states.result = extra.result;
  if ('errorOutput' in extra) states.errorOutput = extra.errorOutput;
  const scope: JsonataScope = { states, variables: sc.variables };
  if (sc.budget) scope.budget = sc.budget;
  return scope;
}

/** Evaluates a JSONata-mode field (a template or a literal) named `field`. */
export function jsonata(sc: StateContext, template: unknown, field: string, extra?: StatesExtra, taskToken?: string): Promise<unknown> {
  return evaluateTemplate(template, jsonataScope(sc, extra, taskToken), field);
}

/**
 * Assign in either language. In JSONPath mode `key.$` entries read `jsonPathValue` (the state's
 * result, or its effective input where it has none); in JSONata mode values are templates.
 */
export async function evaluateAssign(
  assign: Record<string, unknown> | undefined,
  sc: StateContext,
  jsonPathValue: unknown,
  extra?: StatesExtra,
): Promise<Variables | undefined> {
  if (assign === undefined) return undefined;
  if (sc.language === 'JSONata') return (await jsonata(sc, assign, 'Assign', extra)) as Variables;
  return evaluatePayloadTemplate(assign, jsonPathValue, sc.paths(sc.cursor.task?.token), 'Assign') as Variables;
}

/** Leaves a JSONata state: Output (default `fallback`) and Assign, both over the pre-state variables. */
export async function jsonataExit(
  sc: StateContext,
  fields: { Output?: unknown; Assign?: Record<string, unknown> },
  fallback: unknown,
  next: string | undefined,
  extra?: StatesExtra,
): Promise<Outcome> {
  const assigned = await evaluateAssign(fields.Assign, sc, undefined, extra);
  const output = 'Output' in fields && fields.Output !== undefined ? await jsonata(sc, fields.Output, 'Output', extra) : fallback;
  return exit(output, next, assigned);
}

/** An exit outcome; `next` and `assigned` only when present. */
export function exit(output: unknown, next: string | undefined, assigned: Variables | undefined): Outcome {
  const outcome: Outcome = { kind: 'exit', output };
  if (next !== undefined) outcome.next = next;
  if (assigned !== undefined) outcome.assigned = assigned;
  return outcome;
}
