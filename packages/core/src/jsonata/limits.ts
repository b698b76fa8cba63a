/**
 * Bounds on one expression's evaluation so that no definition can hang or exhaust a worker:
 * jsonata's own guardrails (wall-clock timeout checked on every node, recursion depth, sequence
 * length) plus an exit hook that refuses oversized strings and arrays as soon as a node makes one,
 * before they can grow further.
 */
import type jsonata from 'jsonata';

export const EVALUATION_LIMITS = {
  /** Wall-clock budget of one expression. */
  timeoutMs: 2_000,
  /** Nested evaluation depth (deep or runaway recursion). */
  maxDepth: 2_000,
  /** Items in one jsonata sequence. */
  maxSequence: 1_000_000,
  /** Characters in any intermediate string, and items in any intermediate array. */
  maxValueLength: 4 * 1024 * 1024,
};

/** Thrown from the exit hook; jsonata passes it through with its code. */
export const VALUE_TOO_LARGE = 'D9001';

function tooLarge(result: unknown): boolean {
  if (typeof result === 'string') return result.length > EVALUATION_LIMITS.maxValueLength;
  if (Array.isArray(result)) return result.length > EVALUATION_LIMITS.maxValueLength;
  return false;
}

export function attachGuards(expression: jsonata.Expression): void {
  const exit = (_node: unknown, _input: unknown, _env: unknown, result: unknown): void => {
    if (tooLarge(result)) {
      throw {
        code: VALUE_TOO_LARGE,
        message: `An intermediate value exceeded the maximum length of ${EVALUATION_LIMITS.maxValueLength}.`,
      };
    }
  };
  // jsonata looks its evaluation hooks up by these well-known symbols.
  expression.assign(Symbol.for('jsonata.__evaluate_exit') as unknown as string, exit);
}
