import { stringMatches } from './string-matches.js';
import { isTimestamp, parseTimestamp } from './timestamp.js';

/** The data type a comparison works on; a Variable of another type makes the rule false. */
export type OperandKind = 'String' | 'Numeric' | 'Boolean' | 'Timestamp';
export type Comparison = 'Equals' | 'LessThan' | 'GreaterThan' | 'LessThanEquals' | 'GreaterThanEquals';

export const OPERAND_KINDS: readonly OperandKind[] = ['String', 'Numeric', 'Boolean', 'Timestamp'];
export const COMPARISONS: readonly Comparison[] = ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals'];

/** Normalizes a value to something `<`/`===` compare correctly, or undefined if it has the wrong type. */
function operand(kind: OperandKind, value: unknown): string | number | boolean | bigint | undefined {
  switch (kind) {
    case 'String':
      return typeof value === 'string' ? value : undefined;
    case 'Numeric':
      return typeof value === 'number' ? value : undefined;
    case 'Boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'Timestamp':
      return parseTimestamp(value);
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown operand kind ${String(unreachable)}`);
    }
  }
}

function holds(comparison: Comparison, a: string | number | boolean | bigint, b: string | number | boolean | bigint): boolean {
  switch (comparison) {
    case 'Equals':
      return a === b;
    case 'LessThan':
      return a < b;
    case 'GreaterThan':
      return a > b;
    case 'LessThanEquals':
      return a <= b;
    case 'GreaterThanEquals':
      return a >= b;
    default: {
      const unreachable: never = comparison;
      throw new Error(`unknown comparison ${String(unreachable)}`);
    }
  }
}

/** Compares the Variable's value to the operand; a type mismatch on either side is simply false. */
export function compare(kind: OperandKind, comparison: Comparison, variable: unknown, other: unknown): boolean {
  const a = operand(kind, variable);
  const b = operand(kind, other);
  if (a === undefined || b === undefined) return false;
  // String order is by UTF-16 code unit, as Java's String.compareTo.
  return holds(comparison, a, b);
}

export type TypeTest = 'IsNull' | 'IsPresent' | 'IsNumeric' | 'IsString' | 'IsBoolean' | 'IsTimestamp';
export const TYPE_TESTS: readonly TypeTest[] = ['IsNull', 'IsPresent', 'IsNumeric', 'IsString', 'IsBoolean', 'IsTimestamp'];

/** Whether the value has the tested type; `present` is false when the Variable path selected nothing. */
export function typeTest(test: TypeTest, present: boolean, value: unknown): boolean {
  switch (test) {
    case 'IsPresent':
      return present;
    case 'IsNull':
      return present && value === null;
    case 'IsNumeric':
      return present && typeof value === 'number';
    case 'IsString':
      return present && typeof value === 'string';
    case 'IsBoolean':
      return present && typeof value === 'boolean';
    case 'IsTimestamp':
      return present && isTimestamp(value);
    default: {
      const unreachable: never = test;
      throw new Error(`unknown type test ${String(unreachable)}`);
    }
  }
}

export function matchesPattern(value: unknown, pattern: unknown): boolean {
  return typeof value === 'string' && typeof pattern === 'string' && stringMatches(value, pattern);
}
