/**
 * The one place jsonpath-plus runs (indefinite paths: wildcards, slices, unions, filters, deep
 * scans), bounded and safe:
 *
 * - every node it visits and every filter test it makes spends from the state's evaluation
 *   budget, so `$..*..*` or a filter over a 256 KiB input fails the state instead of blocking
 *   the worker (the hook wraps the pinned version's `_trace` and `_eval`; the unit tests fail if
 *   an upgrade renames them);
 * - filters and script expressions run only in jsonpath-plus's own safe evaluator, a small
 *   interpreter that never hands code to the JavaScript engine; a path without one runs with
 *   evaluation off altogether; and native evaluation (node:vm) is unplugged, so no option can
 *   turn it back on.
 */
import { JSONPath } from 'jsonpath-plus';
import { EvaluationBudget } from '../bounded/budget.js';

/** The budget of the evaluation in progress (jsonpath-plus runs synchronously, so one at a time). */
let active: EvaluationBudget | undefined;

type Method = (this: unknown, ...args: unknown[]) => unknown;
const prototype = JSONPath.prototype as unknown as Record<string, unknown>;

for (const name of ['_trace', '_eval']) {
  const original = prototype[name];
  if (typeof original !== 'function') throw new Error(`jsonpath-plus has no ${name}: the evaluation bound cannot hook it`);
  prototype[name] = function (this: unknown, ...args: unknown[]) {
    active?.spend();
    return (original as Method).apply(this, args);
  };
}

/** Native evaluation would compile filters with node:vm: refused whatever the options say. */
prototype.vm = {
  Script: class {
    constructor() {
      throw new Error('native script evaluation is disabled');
    }
  },
};

/** Whether a path holds a script or filter expression (`(...)`, `?(...)`), the only part that needs the evaluator. */
const hasScript = (path: string): boolean => path.includes('(');

/** Every match of `path` (rooted at `$`) in `json`; throws jsonpath-plus's errors and EvaluationBoundError. */
export function queryPath(path: string, json: unknown, budget: EvaluationBudget = new EvaluationBudget()): unknown[] {
  const outer = active;
  active = budget;
  try {
    return (JSONPath({ path, json: json as object, wrap: true, eval: hasScript(path) ? 'safe' : false }) as unknown[] | undefined) ?? [];
  } finally {
    active = outer;
  }
}
