import { JSONPath } from 'jsonpath-plus';
import { describe, expect, it } from 'vitest';
import type { StateMachineDefinition } from '../asl/types.js';
import { testExecution } from '../interpreter/execution.test-support.js';
import { step } from '../interpreter/step.js';
import type { StepOptions } from '../interpreter/types.js';
import { evaluateExpression } from '../jsonata/evaluate.js';
import { lookupPath } from '../jsonpath/evaluate.js';
import { queryPath } from '../jsonpath/query.js';
import { EvaluationBoundError, EvaluationBudget } from './budget.js';
import { hostileCases, nested } from './hostile.test-support.js';
import { backtrackingOnly, LinearRegExp } from './regexp.js';

/** Small bounds, so each hostile case meets them quickly; the end-to-end test runs the real ones. */
const SMALL: StepOptions = { newToken: () => 't', evaluationLimits: { wallClockMs: 300, maxSteps: 300_000 } };

const run = (definition: StateMachineDefinition, input: unknown, options: StepOptions = SMALL) =>
  step({ definition, execution: testExecution(input), lastEventId: 1, wake: { kind: 'start' }, now: 1000 }, options);

describe('the evaluation budget', () => {
  it('fails past its count of steps, deterministically', () => {
    const budget = new EvaluationBudget({ wallClockMs: 60_000, maxSteps: 10 });
    budget.spend(10);
    expect(() => budget.spend()).toThrow(EvaluationBoundError);
    expect(() => new EvaluationBudget({ wallClockMs: 60_000, maxSteps: 10 }).spend(11)).toThrow('exceeded its bound of 10 evaluation steps');
  });

  it('fails past its wall clock, looked at every few steps and on every coarse step', () => {
    let now = 0;
    const budget = new EvaluationBudget({ wallClockMs: 100, maxSteps: 1e9 }, () => now);
    budget.tick();
    now = 101;
    expect(() => budget.tick()).toThrow('exceeded its bound of 100 milliseconds');
    const fine = new EvaluationBudget({ wallClockMs: 100, maxSteps: 1e9 }, () => now);
    now = 500;
    expect(() => {
      for (let i = 0; i < 1000; i++) fine.spend();
    }).toThrow(EvaluationBoundError);
  });

  it('fails with States.Runtime', () => {
    expect(new EvaluationBoundError('x')).toMatchObject({ error: 'States.Runtime' });
  });
});

describe('the most expensive evaluations we could build fail their state within the bound', () => {
  for (const c of hostileCases()) {
    it(c.name, async () => {
      const result = await run(c.definition, c.input);
      if (c.error === undefined) {
        expect(result.closing?.status).toBe('SUCCEEDED');
        return;
      }
      expect(result.closing).toMatchObject({ status: 'FAILED', error: c.error });
      expect(result.closing?.cause).toMatch(/exceeded (its|their) bound|Maximum call stack|timeout|does not run/);
    }, 30_000);
  }

  it('a Catcher still runs after its state used up the budget', async () => {
    const definition = {
      StartAt: 'T',
      States: {
        T: { Type: 'Parallel', Branches: [{ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }], ResultSelector: { 'x.$': '$..*..*..*' }, Catch: [{ ErrorEquals: ['States.Runtime'], ResultPath: '$.error', Next: 'Done' }], End: true },
        Done: { Type: 'Pass', OutputPath: '$.error.Error', End: true },
      },
    } as StateMachineDefinition;
    const result = await run(definition, nested(300));
    expect(result.closing).toMatchObject({ status: 'SUCCEEDED', output: '"States.Runtime"' });
  });

  it("each Map item's ItemSelector has a budget of its own, and the loop over items lets others have turns", async () => {
    const items = Array.from({ length: 1_000 }, (_, i) => i);
    const input = { items, doc: nested(150) };
    const map = (selector: Record<string, unknown>) =>
      ({
        StartAt: 'M',
        States: { M: { Type: 'Map', ItemsPath: '$.items', ItemSelector: selector, ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', OutputPath: '$.n', End: true } } }, End: true } },
      }) as StateMachineDefinition;
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    try {
      // Every item's deep scan fits its own bound; all 1,000 together would not fit one.
      const fine = await run(map({ 'n.$': '$$.Map.Item.Value', 'x.$': 'States.ArrayLength($.doc..a)' }), input, { ...SMALL, maxTransitions: 100_000 });
      expect(fine.closing?.status).toBe('SUCCEEDED');
      expect(turns).toBeGreaterThan(0);
    } finally {
      clearInterval(ticking);
    }
    const hostile = await run(map({ 'x.$': '$.doc..*..*..*' }), input);
    expect(hostile.closing).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  }, 60_000);

  it('a run of states stops taking new ones when its time slice is spent, and carries on in the next job', async () => {
    const definition = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', End: true } } } as StateMachineDefinition;
    const sliced = await run(definition, {}, { ...SMALL, sliceMs: 0 });
    expect(sliced.closing).toBeUndefined();
    expect(sliced.suspensions).toMatchObject([{ suspension: { kind: 'continue' } }]);
    expect(sliced.cursor).toMatchObject({ state: 'B' });
    expect((await run(definition, {})).closing?.status).toBe('SUCCEEDED');
  });
});

describe('JSONPath through jsonpath-plus', () => {
  const items = { items: [{ a: 1, name: 'x' }, { a: 2, name: 'y' }, { a: 3, name: 'z' }] };

  it('filters, slices, unions and deep scans keep working', () => {
    expect(queryPath('$.items[?(@.a > 1)].name', items)).toEqual(['y', 'z']);
    expect(queryPath("$.items[?(@.name == 'x' || @.a >= 3)].a", items)).toEqual([1, 3]);
    expect(queryPath('$.items[(@.length-1)].a', items)).toEqual([3]);
    expect(queryPath('$.items[0:2].a', items)).toEqual([1, 2]);
    expect(queryPath('$..name', items)).toEqual(['x', 'y', 'z']);
  });

  it('every node visited spends from the budget, so a deep scan cannot run on', () => {
    const budget = new EvaluationBudget({ wallClockMs: 60_000, maxSteps: 1_000 });
    expect(() => queryPath('$..*..*', nested(200), budget)).toThrow(EvaluationBoundError);
    expect(budget.spent).toBeGreaterThan(1_000);
    const small = new EvaluationBudget({ wallClockMs: 60_000, maxSteps: 1_000 });
    expect(() => lookupPath('$..*..*', nested(200), { context: {}, budget: small })).toThrow(EvaluationBoundError);
  });

  it('a script payload in a path cannot run code', () => {
    const g = globalThis as { redstepPwned?: unknown };
    const payloads = [
      "$[?(@.constructor.constructor('globalThis.redstepPwned = 1')())]",
      "$.items[?(@.name.constructor.constructor('globalThis.redstepPwned = 2')())]",
      "$[?(this.constructor.constructor('globalThis.redstepPwned = 3')())]",
      "$[?(constructor.constructor('globalThis.redstepPwned = 4')())]",
      "$.items[?(@.__proto__.constructor.constructor('globalThis.redstepPwned = 5')())]",
      "$[?(process.exit(1))]",
      "$[?(require('child_process').execSync('touch /tmp/redstep-pwned'))]",
      "$.items[?((function(){ globalThis.redstepPwned = 6; return true })())]",
      "$.items[?(@.a.toString.constructor('globalThis.redstepPwned = 7')())]",
      "$[(this.constructor.constructor('globalThis.redstepPwned = 8')())]",
      "$.items[?(@.name['constructor']['constructor']('globalThis.redstepPwned = 9')())]",
    ];
    for (const path of payloads) {
      const result = lookupPath(path, items, { context: {} });
      expect(result.found ? result.value : [], path).toEqual([]);
      expect(g.redstepPwned, path).toBeUndefined();
    }
  });

  it('native evaluation is unplugged, whatever the options ask', () => {
    expect(() => JSONPath({ path: '$.items[?(@.a > 1)]', json: items, eval: 'native' })).toThrow('native script evaluation is disabled');
  });

  it('a path without a script runs with evaluation off', () => {
    expect(queryPath('$.items[*].a', items)).toEqual([1, 2, 3]);
  });
});

describe('regular expressions', () => {
  it('JSONata refuses what only a backtracking engine can run', () => {
    expect(backtrackingOnly('^(a+)+\\1$')).toBe('a backreference');
    expect(backtrackingOnly('(?<n>a)\\k<n>')).toBe('a backreference');
    expect(backtrackingOnly('a(?=b)')).toBe('a lookaround assertion');
    expect(backtrackingOnly('(?<!x)y')).toBe('a lookaround assertion');
    expect(backtrackingOnly('[(?=]\\d+\\.\\(?:x\\)(?:y)(?<g>z)')).toBeUndefined();
    expect(() => new LinearRegExp('(a)\\1')).toThrow();
    expect(new LinearRegExp(/a+b/i).test('AAB')).toBe(true);
  });

  it('a catastrophic pattern finishes on the linear-time engine', () => {
    expect(new LinearRegExp('(a|aa)+$').test(`${'a'.repeat(45)}!`)).toBe(false);
  });

  it('JSONata regex functions run on it', async () => {
    const scope = { states: { input: { s: 'abc-123' }, context: {} }, variables: {} };
    expect(await evaluateExpression('$match($states.input.s, /\\d+/).match', scope, 'Output')).toBe('123');
    await expect(evaluateExpression('$contains($states.input.s, /(a)\\1/)', scope, 'Output')).rejects.toMatchObject({ error: 'States.QueryEvaluationError' });
  });
});

describe('JSONata $sort and $distinct', () => {
  const evaluate = (expression: string, input: unknown = {}) => evaluateExpression(expression, { states: { input, context: {} }, variables: {} }, 'Output');

  it('sort numbers and strings as jsonata does, and refuse mixed arrays', async () => {
    expect(await evaluate('$sort([3, 1, 2, 1.5])')).toEqual([1, 1.5, 2, 3]);
    expect(await evaluate('$sort(["b", "B", "a", "é"])')).toEqual(['B', 'a', 'b', 'é']);
    expect(await evaluate('$sort(5)')).toEqual([5]);
    await expect(evaluate('$sort([1, "a"])')).rejects.toMatchObject({ cause: expect.stringContaining('D3070') as unknown });
  });

  it('sort with a comparator through jsonata, and order-by, still work', async () => {
    expect(await evaluate('$sort([1, 3, 2], function($a, $b) { $a < $b })')).toEqual([3, 2, 1]);
    expect(await evaluate('$states.input.items^(>a).a', { items: [{ a: 1 }, { a: 3 }, { a: 2 }] })).toEqual([3, 2, 1]);
  });

  it('distinct keeps the first of equal items, whatever their key order', async () => {
    expect(await evaluate('$distinct([1, 2, 1, "1", [1], [1], {"a": 1, "b": 2}, {"b": 2, "a": 1}])')).toEqual([1, 2, '1', [1], { a: 1, b: 2 }]);
    expect(await evaluate('$distinct($states.input.x.k)', { x: [{ k: 'v' }, { k: 'v' }] })).toBe('v');
  });
});

describe('JSONata expressions of one state share its deadline', () => {
  it('an expression started after the deadline fails with States.QueryEvaluationError', async () => {
    const spent = new EvaluationBudget({ wallClockMs: 10, maxSteps: 1e9 }, () => Date.now() - 1_000);
    const scope = { states: { input: {}, context: {} }, variables: {}, budget: spent };
    await expect(evaluateExpression('1 + 1', scope, 'Output')).rejects.toMatchObject({ error: 'States.QueryEvaluationError', cause: expect.stringContaining('D9002') as unknown });
  });
});
