import type { EvaluationBudget } from '../bounded/budget.js';

/** What a JSONPath expression can read besides the state input. */
export interface PathContext {
  /** The context object, read as `$$` / `$$.Execution.Input` ... */
  context: unknown;
  /** Workflow variables set by Assign, read as `$name` / `$name.field` in JSONPath mode. */
  variables?: Record<string, unknown>;
  /** The state's evaluation budget, which every path read, intrinsic call and Choice rule spends from; a fresh one per read when absent. */
  budget?: EvaluationBudget;
}

/**
 * The same reads spending from `budget`. The context object stays unbuilt until it is read (the
 * interpreter builds it lazily), so this does not copy it with a spread.
 */
export function withBudget(ctx: PathContext, budget: EvaluationBudget): PathContext & { budget: EvaluationBudget } {
  const out: PathContext & { budget: EvaluationBudget } = {
    get context() {
      return ctx.context;
    },
    budget,
  };
  if (ctx.variables !== undefined) out.variables = ctx.variables;
  return out;
}
