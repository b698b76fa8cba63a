/**
 * DescribeStateMachine's variableReferences: per state (nested ones included, names being unique),
 * the variables its fields read. JSONPath states read `$name...` paths in path fields, `.$` values
 * and intrinsic arguments; JSONata states read `$name` inside `{% %}` expressions.
 */
import type { StateMachineDefinition } from '../asl/types.js';
import { isObject, type JsonObject, type QueryLanguage } from './diagnostics.js';
import { parseIntrinsic } from './intrinsics.js';
import { expressionOf, isJsonataTemplate, jsonataVariables } from './jsonata-check.js';
import { parseJsonPath } from './jsonpath.js';

// Fields whose string value is a path; and fields holding templates with `.$` keys.
const PATH_FIELDS = new Set([
  'InputPath', 'OutputPath', 'ItemsPath', 'SecondsPath', 'TimestampPath', 'ErrorPath', 'CausePath', 'TimeoutSecondsPath',
  'HeartbeatSecondsPath', 'MaxConcurrencyPath', 'ToleratedFailurePercentagePath', 'ToleratedFailureCountPath', 'MaxItemsPath', 'Variable',
]);
// Nested machines are walked as their own states; ResultPath and Next never read variables.
const SKIPPED = new Set(['ItemProcessor', 'Iterator', 'Branches', 'ResultPath', 'Next', 'Default', 'Comment', 'Type', 'Resource']);

export function variableReferences(definition: StateMachineDefinition): Record<string, string[]> | undefined {
  const result: Record<string, string[]> = {};
  const rootLanguage: QueryLanguage = definition.QueryLanguage === 'JSONata' ? 'JSONata' : 'JSONPath';
  visitMachine(definition as unknown as JsonObject, rootLanguage, result);
  return Object.keys(result).length > 0 ? result : undefined;
}

function visitMachine(machine: JsonObject, language: QueryLanguage, result: Record<string, string[]>): void {
  const states = machine['States'];
  if (!isObject(states)) return;
  for (const [name, state] of Object.entries(states)) {
    if (!isObject(state)) continue;
    const own = state['QueryLanguage'] === 'JSONata' || state['QueryLanguage'] === 'JSONPath' ? state['QueryLanguage'] : language;
    const found: string[] = [];
    collect(state, own, found);
    const unique = [...new Set(found)];
    if (unique.length > 0) result[name] = unique;
    for (const key of ['ItemProcessor', 'Iterator']) if (isObject(state[key])) visitMachine(state[key], language, result);
    if (Array.isArray(state['Branches'])) for (const branch of state['Branches']) if (isObject(branch)) visitMachine(branch, language, result);
  }
}

function collect(value: unknown, language: QueryLanguage, out: string[], key?: string): void {
  if (typeof value === 'string') {
    if (language === 'JSONata') {
      if (isJsonataTemplate(value)) out.push(...jsonataVariables(expressionOf(value)));
    } else if (key !== undefined && (key.endsWith('.$') || PATH_FIELDS.has(key))) {
      out.push(...pathVariables(value));
    }
    return;
  }
  if (Array.isArray(value)) return value.forEach((item) => collect(item, language, out, key));
  if (!isObject(value)) return;
  for (const [child, inner] of Object.entries(value)) {
    if (SKIPPED.has(child)) continue;
    // Choice comparisons against another path (`...Path`) read variables too.
    collect(inner, language, out, child.endsWith('Path') && !PATH_FIELDS.has(child) ? 'Variable' : child);
  }
}

function pathVariables(text: string): string[] {
  const intrinsic = parseIntrinsic(text);
  const paths = intrinsic ?? [text];
  return paths.flatMap((path) => {
    const variable = parseJsonPath(path)?.variable;
    return variable === undefined ? [] : [variable];
  });
}
