import { describe, expect, it } from 'vitest';
import { evaluateExpression, evaluateTemplate, QueryEvaluationError, type JsonataScope } from './index.js';

const scope = (over: Partial<JsonataScope> = {}): JsonataScope => ({
  states: { input: { n: [1, 2, 3], s: 'x' }, context: { State: { Name: 'S' } } },
  variables: { v: 10 },
  ...over,
});

async function failure(p: Promise<unknown>): Promise<QueryEvaluationError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(QueryEvaluationError);
  return e as QueryEvaluationError;
}

describe('evaluateExpression', () => {
  it('binds $states and variables', async () => {
    expect(await evaluateExpression('$sum($states.input.n) + $v', scope(), 'Output')).toBe(16);
    expect(await evaluateExpression('$states.context.State.Name', scope(), 'Output')).toBe('S');
  });

  it('returns plain JSON (no sequence markers, singletons as jsonata collapses them)', async () => {
    const value = await evaluateExpression('$states.input.n[$ > 1]', scope(), 'Output');
    expect(value).toEqual([2, 3]);
    expect(Object.keys(value as object)).toEqual(['0', '1']);
  });

  it('fails with AWS cause when the result is undefined', async () => {
    const e = await failure(evaluateExpression('$nothing', scope(), 'Output/result'));
    expect(e.error).toBe('States.QueryEvaluationError');
    expect(e.cause).toBe("The JSONata expression '$nothing' specified for the field 'Output/result' returned nothing (undefined).");
    expect(e.location).toBe('Output/result');
  });

  it('quotes jsonata error code and message', async () => {
    const e = await failure(evaluateExpression('$nofn(1)', scope(), 'Output'));
    expect(e.cause).toBe(
      "The JSONata expression '$nofn(1)' specified for the field 'Output' threw an error during evaluation. T1006: Attempted to invoke a non-function",
    );
  });

  it('refuses functions as results', async () => {
    const e = await failure(evaluateExpression('function($x){$x}', scope(), 'Output'));
    expect(e.cause).toContain('returned an unsupported result type.');
  });

  it('provides the Step Functions functions', async () => {
    expect(await evaluateExpression('$partition([1,2,3], 2)', scope(), 'F')).toEqual([[1, 2], [3]]);
    expect(await evaluateExpression('$range(0, 6, 2)', scope(), 'F')).toEqual([0, 2, 4, 6]);
    expect(await evaluateExpression('$range(1, 5, 9)', scope(), 'F')).toBe(1);
    expect(await evaluateExpression("$hash('a', 'SHA-256')", scope(), 'F')).toMatch(/^ca978112/);
    expect(await evaluateExpression("$parse('{\"a\":1}')", scope(), 'F')).toEqual({ a: 1 });
    expect(await evaluateExpression('$random(7) = $random(7)', scope(), 'F')).toBe(true);
    expect(await evaluateExpression('$uuid()', scope(), 'F')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('evaluateTemplate', () => {
  it('evaluates {% %} strings at any depth and copies everything else', async () => {
    const template = {
      a: '{% $v * 2 %}',
      lit: ' {% $v %} ',
      path: '$.s',
      list: [null, 1, '{% $states.input.s %}', { deep: '{% true %}' }],
    };
    expect(await evaluateTemplate(template, scope(), 'Output')).toEqual({
      a: 20,
      lit: ' {% $v %} ',
      path: '$.s',
      list: [null, 1, 'x', { deep: true }],
    });
  });

  it('names the failing field by the keys walked', async () => {
    const e = await failure(evaluateTemplate({ outer: { inner: '{% $none %}' } }, scope(), 'Output'));
    expect(e.location).toBe('Output/outer/inner');
  });

  it('keeps literal non-object values', async () => {
    expect(await evaluateTemplate(0.5, scope(), 'Output')).toBe(0.5);
    expect(await evaluateTemplate(null, scope(), 'Output')).toBe(null);
  });
});
