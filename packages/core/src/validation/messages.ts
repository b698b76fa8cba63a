/** CreateStateMachine's InvalidDefinition message, built from the diagnostics. */
import type { Diagnostic } from './diagnostics.js';
import { pyRepr } from './label.js';

/** All errors in one quoted list: `Invalid State Machine Definition: '<CODE>: <message> at <location>, ...'`. */
export function invalidDefinitionMessage(definition: string, errors: Diagnostic[]): string {
  // Label errors surface in their own form, quoting the definition text as sent.
  const label = errors.find((e) => e.code === 'INVALID_LABEL_NAME');
  if (label) return `Error=ValueError Args=[${pyRepr(label.message)}] in definition '${definition}'.`;
  const parts = errors.map((e) => `${e.code}: ${e.message} at ${e.location ?? 'null'}`);
  return `Invalid State Machine Definition: '${parts.join(', ')}'`;
}
