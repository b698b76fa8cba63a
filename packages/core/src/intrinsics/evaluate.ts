import { EvaluationBudget, sizeCost } from '../bounded/budget.js';
import { StatesError } from '../errors.js';
import { invalidPathCause, pathNotFoundCause } from '../jsonpath/causes.js';
import { withBudget, type PathContext } from '../jsonpath/context.js';
import { lookupPath } from '../jsonpath/evaluate.js';
import type { IntrinsicArg, IntrinsicCall } from './ast.js';
import { checkArgs } from './check-args.js';
import { intrinsicFailure } from './failure.js';
import { parseIntrinsic } from './parser.js';
import { INTRINSICS } from './registry.js';

interface Scope {
  input: unknown;
  ctx: PathContext & { budget: EvaluationBudget };
  /** The `key.$` field being evaluated, for AWS's "could not be found" cause. */
  field: string | undefined;
}

function evaluateArg(arg: IntrinsicArg, scope: Scope): unknown {
  switch (arg.kind) {
    case 'call':
      return evaluateCall(arg, scope);
    case 'string':
    case 'number':
    case 'boolean':
      return arg.value;
    case 'null':
      return null;
    case 'path': {
      const result = lookupPath(arg.path, scope.input, scope.ctx);
      if (result.found) return result.value;
      throw new StatesError(
        'States.Runtime',
        scope.field === undefined
          ? invalidPathCause(arg.path, result.reason)
          : pathNotFoundCause(arg.path, scope.field, scope.input),
      );
    }
    default: {
      const unreachable: never = arg;
      throw new Error(`unknown intrinsic argument ${JSON.stringify(unreachable)}`);
    }
  }
}

function evaluateCall(call: IntrinsicCall, scope: Scope): unknown {
  const def = INTRINSICS.get(call.name);
  if (!def) throw intrinsicFailure(`The function ${call.name} is not a supported intrinsic function.`);
  const { budget } = scope.ctx;
  budget.tick();
  const args = call.args.map((arg) => evaluateArg(arg, scope));
  checkArgs(def, args);
  const first = call.args[0];
  if (def.escapedTemplate && first?.kind === 'string') args[0] = first.raw;
  else if (def.escapedTemplate && typeof args[0] === 'string') args[0] = args[0].replace(/\\/g, '\\\\');
  // A call costs what it reads and what it makes, so nesting calls cannot multiply work unseen.
  budget.spend(args.reduce<number>((sum, arg) => sum + sizeCost(arg), 0));
  const result = def.run(args);
  budget.spend(sizeCost(result));
  return result;
}

/**
 * Evaluates one intrinsic call such as `States.Format('x{}', $.a)`. `field` names the `key.$`
 * entry being filled, so a missing path argument gets AWS's field-specific cause.
 */
export function evaluateIntrinsic(expression: string, input: unknown, ctx: PathContext, field?: string): unknown {
  const budget = ctx.budget ?? new EvaluationBudget();
  return evaluateCall(parseIntrinsic(expression), { input, ctx: withBudget(ctx, budget), field });
}

/** Whether a `.$` value is an intrinsic call rather than a path. */
export function isIntrinsic(expression: string): boolean {
  return /^\s*States\.[A-Za-z0-9]+\s*\(/.test(expression);
}
