import type { PathContext } from './context.js';
import { evaluatePath } from './evaluate.js';

/** InputPath: absent keeps the input, null gives `{}`, a path selects from the input. */
export function applyInputPath(path: string | null | undefined, input: unknown, ctx: PathContext): unknown {
  if (path === undefined) return input;
  if (path === null) return {};
  return evaluatePath(path, input, ctx);
}

/** OutputPath: same rules as InputPath, applied to the state's result. */
export function applyOutputPath(path: string | null | undefined, value: unknown, ctx: PathContext): unknown {
  return applyInputPath(path, value, ctx);
}
