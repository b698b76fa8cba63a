import { describe, expect, test } from 'vitest';
import { dataFlow } from './dataflow.js';
import type { StepRecord } from './status.js';

const record = (over: Partial<StepRecord> = {}): StepRecord => ({ name: 'S', scope: '', status: 'succeeded', visits: 1, enteredId: 2, errors: [], attempts: 1, eventIds: [], ...over });

describe('dataFlow', () => {
  test('a Task: input, the JSONPath fields in the order they apply (defaults marked), the output', () => {
    const def = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', InputPath: '$.order', Parameters: { 'id.$': '$.id' }, ResultSelector: { 'body.$': '$.Payload' }, ResultPath: '$.result', End: true };
    const flow = dataFlow(def, record({ input: '{"order":{"id":1}}', parameters: '{"id":1}', output: '{"result":{}}' }));
    expect(flow.map((s) => s.field)).toEqual(['State input', 'InputPath', 'Parameters', 'ResultSelector', 'ResultPath', 'OutputPath', 'State output']);
    expect(flow.find((s) => s.field === 'InputPath')).toMatchObject({ expression: '$.order', defaulted: false });
    expect(flow.find((s) => s.field === 'OutputPath')).toMatchObject({ expression: '$', defaulted: true });
    expect(flow.find((s) => s.field === 'Parameters')?.value).toBe('{"id":1}');
    expect(flow[0]!.value).toBe('{"order":{"id":1}}');
    expect(flow.at(-1)!.value).toBe('{"result":{}}');
  });

  test('fields a type cannot have are left out: a Choice has no ResultPath, a Pass no ResultSelector', () => {
    expect(dataFlow({ Type: 'Choice', Choices: [] }, undefined).map((s) => s.field)).toEqual(['State input', 'InputPath', 'OutputPath', 'State output']);
    expect(dataFlow({ Type: 'Pass', Result: 1, ResultPath: '$.x' }, undefined).map((s) => s.field)).toEqual(['State input', 'InputPath', 'ResultPath', 'OutputPath', 'State output']);
  });

  test('JSONata states show Arguments and Output (and Assign)', () => {
    const def = { Type: 'Task', QueryLanguage: 'JSONata', Arguments: { a: '{% $states.input.a %}' }, Assign: { n: 1 } };
    expect(dataFlow(def, undefined).map((s) => s.field)).toEqual(['State input', 'Arguments', 'Output', 'Assign', 'State output']);
    expect(dataFlow({ Type: 'Pass' }, undefined, 'JSONata').map((s) => s.field)).toEqual(['State input', 'Output', 'State output']);
  });
});
