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
  /**
   * Items in one jsonata sequence: more than the largest array a 256 KiB input holds, few enough
   * that a native function over one ($zip, $string, $shuffle) returns well within a second.
   */
  maxSequence: 262_144,
  /** Characters in any intermediate string, and items in any intermediate array. */
  maxValueLength: 4 * 1024 * 1024,
};

/** Thrown from the exit hook; jsonata passes it through with its code. */
export const VALUE_TOO_LARGE = 'D9001';

/** Thrown from the exit hook once the state's evaluation budget (bounded/budget.ts) has run out. */
export const STATE_BOUND_EXCEEDED = 'D9002';

/**
 * The binding that carries the state's deadline (epoch ms) into its expressions. It is not a
 * JSONata variable name (`:` cannot appear in one), so no expression can read or shadow it.
 */
export const DEADLINE_BINDING = 'redstep:deadline';

/** The error a JSONata evaluation fails with once the state's budget is spent. */
export function stateBoundExceeded(): { code: string; message: string } {
  return { code: STATE_BOUND_EXCEEDED, message: `The state's evaluations exceeded their bound of ${EVALUATION_LIMITS.timeoutMs} milliseconds.` };
}

function tooLarge(result: unknown): boolean {
  if (typeof result === 'string') return result.length > EVALUATION_LIMITS.maxValueLength;
  if (Array.isArray(result)) return result.length > EVALUATION_LIMITS.maxValueLength;
  return false;
}

export function attachGuards(expression: jsonata.Expression): void {
  const exit = (_node: unknown, _input: unknown, env: { lookup(name: string): unknown }, result: unknown): void => {
    if (tooLarge(result)) {
      throw {
        code: VALUE_TOO_LARGE,
        message: `An intermediate value exceeded the maximum length of ${EVALUATION_LIMITS.maxValueLength}.`,
      };
    }
    // All of a state's expressions share its deadline, besides each one's own timeout.
    const deadline = env.lookup(DEADLINE_BINDING);
    if (typeof deadline === 'number' && Date.now() > deadline) throw stateBoundExceeded();
  };
  // jsonata looks its evaluation hooks up by these well-known symbols.
  expression.assign(Symbol.for('jsonata.__evaluate_exit') as unknown as string, exit);
}
