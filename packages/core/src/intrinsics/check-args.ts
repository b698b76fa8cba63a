import type { ArgType, IntrinsicDefinition } from './signature.js';
import { intrinsicFailure } from './failure.js';

/** The JSON type name of a value, as used in failure causes. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function matches(type: ArgType, value: unknown): boolean {
  switch (type) {
    case 'any':
      return true;
    case 'string':
    case 'boolean':
      return typeof value === type;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return jsonTypeOf(value) === 'object';
    default: {
      const unreachable: never = type;
      throw new Error(`unknown argument type ${String(unreachable)}`);
    }
  }
}

function expectedCount(def: IntrinsicDefinition): string {
  const min = def.params.length;
  if (def.rest) return `at least ${min}`;
  const max = min + (def.optional?.length ?? 0);
  return max === min ? `${min}` : `${min} to ${max}`;
}

/** Checks count and types of evaluated arguments against the function's declared signature. */
export function checkArgs(def: IntrinsicDefinition, args: readonly unknown[]): void {
  const optional = def.optional ?? [];
  const max = def.rest ? Infinity : def.params.length + optional.length;
  if (args.length < def.params.length || args.length > max) {
    throw intrinsicFailure(
      `The function ${def.name} expects ${expectedCount(def)} argument(s) but received ${args.length}.`,
    );
  }
  args.forEach((value, i) => {
    const type = def.params[i] ?? optional[i - def.params.length] ?? def.rest ?? 'any';
    if (!matches(type, value)) {
      throw intrinsicFailure(
        `The function ${def.name} expects argument ${i + 1} to be of type ${type}, but received ${jsonTypeOf(value)}: ${JSON.stringify(value)}.`,
      );
    }
  });
}
