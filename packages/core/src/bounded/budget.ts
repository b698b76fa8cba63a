/**
 * The bound on one state's evaluation: every JSONPath read (filters, deep scans), intrinsic call,
 * Choice rule and JSONata expression a state evaluates spends from one budget, so no definition
 * and no input can hold a worker's event loop for long. Two limits, whichever comes first: a
 * count of evaluation steps (deterministic: the same definition and input fail the same way on
 * every run) and a wall clock (for steps that cost more than the count assumes).
 */
import { StatesError } from '../errors.js';

export interface EvaluationLimits {
  /** Wall-clock budget of one state's evaluations (JSONata has the same per expression). */
  wallClockMs: number;
  /** Evaluation steps one state may take: nodes a JSONPath visits, filter tests, rules, intrinsic calls, items they make. */
  maxSteps: number;
}

export const EVALUATION_BOUNDS: Readonly<EvaluationLimits> = {
  wallClockMs: 2_000,
  maxSteps: 5_000_000,
};

/** How many steps go by between two looks at the clock (a look costs about as much as a step). */
const CLOCK_EVERY = 64;

/** A state's evaluation went past its bound: the state fails with States.Runtime. */
export class EvaluationBoundError extends StatesError {
  constructor(readonly bound: string) {
    super('States.Runtime', `The evaluation of the state's paths, intrinsic functions and rules exceeded ${bound}.`);
    this.name = 'EvaluationBoundError';
  }
}

export class EvaluationBudget {
  readonly deadline: number;
  private steps = 0;
  private nextClockLook = CLOCK_EVERY;

  constructor(
    readonly limits: Readonly<EvaluationLimits> = EVALUATION_BOUNDS,
    private readonly clock: () => number = Date.now,
  ) {
    this.deadline = clock() + limits.wallClockMs;
  }

  /** Takes `units` steps; throws EvaluationBoundError past either limit. */
  spend(units = 1): void {
    this.steps += units;
    if (this.steps > this.limits.maxSteps) throw new EvaluationBoundError(`its bound of ${this.limits.maxSteps} evaluation steps`);
    if (this.steps >= this.nextClockLook) {
      this.nextClockLook = this.steps + CLOCK_EVERY;
      this.checkClock();
    }
  }

  /** One coarse step (a Choice rule, an intrinsic call, a path read) and a look at the clock: each may cost much. */
  tick(): void {
    this.spend();
    this.checkClock();
  }

  /** Throws EvaluationBoundError once the wall-clock budget is spent. */
  checkClock(): void {
    if (this.clock() > this.deadline) throw new EvaluationBoundError(`its bound of ${this.limits.wallClockMs} milliseconds`);
  }

  /** Steps taken so far. */
  get spent(): number {
    return this.steps;
  }
}

/** What making `value` costs in steps: its items for an array, its length over 1 KiB for a string. */
export function sizeCost(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (typeof value === 'string') return value.length >> 10;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length;
  return 0;
}
