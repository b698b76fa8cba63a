import { describe, expect, it } from 'vitest';
import { evaluateExpression, EVALUATION_LIMITS, type JsonataScope } from './index.js';

const scope: JsonataScope = { states: { input: {}, context: {} }, variables: {} };

async function causeOf(expression: string): Promise<string> {
  try {
    await evaluateExpression(expression, scope, 'Output');
  } catch (e) {
    return (e as { cause: string }).cause;
  }
  throw new Error('expected a failure');
}

describe('evaluation limits', () => {
  it('stops an endless recursion by its depth guard', async () => {
    const cause = await causeOf('($f := function($n){ $f($n + 1) + 1 }; $f(0))');
    expect(cause).toMatch(/D1011|Stack overflow|call stack/i);
  });

  it('stops a long-running loop by its deadline', async () => {
    // Tail recursion is not depth-bounded; only the wall clock stops it.
    const started = Date.now();
    const cause = await causeOf('($f := function($n){ $n < 0 ? 0 : $f($n + 1) }; $f(0))');
    expect(cause).toMatch(/D1012|D1011/);
    expect(Date.now() - started).toBeLessThan(EVALUATION_LIMITS.timeoutMs + 3_000);
  }, 15_000);

  it('refuses a string that grows past the value cap', async () => {
    const cause = await causeOf('($s := function($x, $n){ $n = 0 ? $x : $s($x & $x, $n - 1) }; $s("ab", 30))');
    expect(cause).toMatch(/D9001|maximum length/);
  });

  it('refuses an oversized sequence', async () => {
    const cause = await causeOf('[1..10000000].($ * 2)');
    expect(cause).toMatch(/D2015|D2014|maximum/);
  });
});
