import { describe, expect, test } from 'vitest';
import { InvalidDefinition, ValidationException } from '../api/errors.js';
import { testState, type TestStateRequest } from './test-state.js';
import { mockResultProblem, outputShapeOf } from './test-state-shapes.js';

let ids = 0;
const env = { now: Date.UTC(2024, 4, 1), region: 'eu-west-1', accountId: '123456789012', newId: () => `id-${ids++}` };
const run = (request: Omit<TestStateRequest, 'definition'> & { definition: object | string }) =>
  testState({ ...request, definition: typeof request.definition === 'string' ? request.definition : JSON.stringify(request.definition) }, env);
const parsed = (text: string | undefined) => (text === undefined ? undefined : JSON.parse(text));

describe('testState: data flow and inspection levels', () => {
  const pass = { Type: 'Pass', InputPath: '$.a', Parameters: { 'x.$': '$.b' }, ResultPath: '$.out', Next: 'Elsewhere' };

  test('a JSONPath Pass reports each processing step at DEBUG and only the output at INFO', async () => {
    const debug = await run({ definition: pass, input: '{"a":{"b":7}}', inspectionLevel: 'DEBUG' });
    expect(debug).toMatchObject({ status: 'SUCCEEDED', nextState: 'Elsewhere' });
    expect(parsed(debug.output)).toEqual({ a: { b: 7 }, out: { x: 7 } });
    const data = debug.inspectionData!;
    expect(parsed(data.input)).toEqual({ a: { b: 7 } });
    expect(parsed(data.afterInputPath)).toEqual({ b: 7 });
    expect(parsed(data.afterParameters)).toEqual({ x: 7 });
    expect(parsed(data.afterResultPath)).toEqual({ a: { b: 7 }, out: { x: 7 } });

    const info = await run({ definition: pass, input: '{"a":{"b":7}}' });
    expect(info.inspectionData).toBeUndefined();
    expect(info.output).toBe(debug.output);
  });

  test('a Pass Result replaces the input even next to Parameters', async () => {
    const r = await run({ definition: { Type: 'Pass', Parameters: { p: 1 }, Result: { r: 2 }, End: true }, input: '{}', inspectionLevel: 'TRACE' });
    expect(parsed(r.output)).toEqual({ r: 2 });
    expect(parsed(r.inspectionData!.result)).toEqual({ r: 2 });
    expect(r.inspectionData!.afterParameters).toBeUndefined();
  });

  test('Choice returns the matching rule as nextState; Fail returns FAILED with its error', async () => {
    const choice = await run({
      definition: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: 3, Next: 'Small' }], Default: 'Big' },
      input: '{"n":5}',
    });
    expect(choice).toMatchObject({ status: 'SUCCEEDED', nextState: 'Big' });
    const fail = await run({ definition: { Type: 'Fail', Error: 'Oops', Cause: 'because' }, input: '{}' });
    expect(fail).toEqual({ status: 'FAILED', error: 'Oops', cause: 'because' });
  });

  test('a Wait state is checked but not waited for', async () => {
    const started = Date.now();
    const r = await run({ definition: { Type: 'Wait', Seconds: 3600, End: true }, input: '{"w":1}' });
    expect(r.status).toBe('SUCCEEDED');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('variables are readable, and the state inside a full definition is picked by stateName', async () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'First',
      States: { First: { Type: 'Pass', Next: 'Second' }, Second: { Type: 'Pass', Output: '{% $greeting & " " & $states.input.who %}', End: true } },
    };
    const r = await run({ definition, stateName: 'Second', input: '{"who":"Ada"}', variables: '{"greeting":"hi"}', inspectionLevel: 'DEBUG' });
    expect(parsed(r.output)).toBe('hi Ada');
    expect(parsed(r.inspectionData!.variables)).toEqual({ greeting: 'hi' });
    await expect(run({ definition, stateName: 'Third' })).rejects.toThrow(ValidationException);
  });
});

describe('testState: mocks, Retry and Catch', () => {
  const task = (extra: object = {}) => ({ Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { 'Body.$': '$.m' }, End: true, ...extra });

  test('a mocked result goes through ResultSelector and ResultPath', async () => {
    const r = await run({
      definition: task({ ResultSelector: { 'id.$': '$.MessageId' }, ResultPath: '$.sent' }),
      input: '{"m":"x"}',
      mock: { result: '{"MessageId":"m-1"}' },
      inspectionLevel: 'DEBUG',
    });
    expect(parsed(r.output)).toEqual({ m: 'x', sent: { id: 'm-1' } });
    expect(parsed(r.inspectionData!.afterParameters)).toEqual({ Body: 'x' });
    expect(parsed(r.inspectionData!.result)).toEqual({ MessageId: 'm-1' });
  });

  test('a mocked error is RETRIABLE while the retrier has attempts, with its backoff', async () => {
    const definition = task({ Retry: [{ ErrorEquals: ['Nope'] }, { ErrorEquals: ['Boom'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 3 }] });
    const mock = { errorOutput: { error: 'Boom', cause: 'c' } };
    const first = await run({ definition, mock, input: '{"m":1}', inspectionLevel: 'DEBUG', stateConfiguration: { retrierRetryCount: 1 } });
    expect(first).toMatchObject({ status: 'RETRIABLE', error: 'Boom', cause: 'c' });
    expect(first.inspectionData!.errorDetails).toEqual({ retryIndex: 1, retryBackoffIntervalSeconds: 6 });
    const spent = await run({ definition, mock, input: '{"m":1}', inspectionLevel: 'DEBUG', stateConfiguration: { retrierRetryCount: 3 } });
    expect(spent.status).toBe('FAILED');
    expect(spent.inspectionData!.errorDetails).toEqual({ retryIndex: 1 });
  });

  test('a caught error reports CAUGHT_ERROR, the catcher index and its Next', async () => {
    const r = await run({
      definition: task({ Catch: [{ ErrorEquals: ['Other'], Next: 'A' }, { ErrorEquals: ['States.ALL'], ResultPath: '$.err', Next: 'B' }] }),
      input: '{"m":1}',
      mock: { errorOutput: { error: 'Boom', cause: 'c' } },
      inspectionLevel: 'DEBUG',
    });
    expect(r).toMatchObject({ status: 'CAUGHT_ERROR', nextState: 'B', error: 'Boom', cause: 'c' });
    expect(parsed(r.output)).toEqual({ m: 1, err: { Error: 'Boom', Cause: 'c' } });
    expect(r.inspectionData!.errorDetails).toEqual({ catchIndex: 1 });
  });

  test('an activity, .sync or .waitForTaskToken Task needs a mock: without one it is InvalidDefinition, never a fault', async () => {
    const activity = { Type: 'Task', Resource: 'arn:aws:states:eu-west-1:123456789012:activity:a', End: true };
    const callback = { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { QueueUrl: 'q', MessageBody: 'm' }, End: true };
    const sync = { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2', Parameters: { StateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:s' }, End: true };
    for (const definition of [activity, callback, sync]) {
      await expect(run({ definition }), definition.Resource).rejects.toThrow(InvalidDefinition);
    }
    const mocked = await run({ definition: activity, mock: { result: '{"done":true}' } });
    expect(parsed(mocked.output)).toEqual({ done: true });
  });

  test('Map and Parallel need a mock, which stands for their children', async () => {
    const parallel = { Type: 'Parallel', Branches: [{ StartAt: 'X', States: { X: { Type: 'Pass', End: true } } }], End: true };
    await expect(run({ definition: parallel })).rejects.toThrow(InvalidDefinition);
    await expect(run({ definition: parallel, mock: { result: '[1,2]' } })).rejects.toThrow(/same number of items/);
    const ok = await run({ definition: parallel, mock: { result: '[{"b":1}]' } });
    expect(parsed(ok.output)).toEqual([{ b: 1 }]);

    const map = {
      Type: 'Map',
      ItemsPath: '$.items',
      ToleratedFailureCount: 1,
      ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Pass', End: true } } },
      End: true,
    };
    const within = await run({ definition: map, input: '{"items":[1,2,3]}', mock: { result: '[1,2,3]' }, stateConfiguration: { mapIterationFailureCount: 1 }, inspectionLevel: 'DEBUG' });
    expect(within.status).toBe('SUCCEEDED');
    expect(within.inspectionData).toMatchObject({ maxConcurrency: 0, toleratedFailureCount: 1 });
    const beyond = await run({ definition: map, input: '{"items":[1,2,3]}', mock: { result: '[1,2,3]' }, stateConfiguration: { mapIterationFailureCount: 2 } });
    expect(beyond).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
  });

  test('requests AWS refuses', async () => {
    await expect(run({ definition: { Type: 'Pass', End: true }, mock: { result: '{}' } })).rejects.toThrow("State type 'Pass' is not supported when a mock is specified");
    await expect(run({ definition: task(), mock: { result: '{}', errorOutput: { error: 'E' } } })).rejects.toThrow(/only one of the following fields/);
    await expect(run({ definition: task(), mock: { result: 'nope' } })).rejects.toThrow('Mocked result must be valid JSON');
    await expect(run({ definition: task(), mock: { result: '{}' }, revealSecrets: true })).rejects.toThrow(/RevealSecrets/);
    await expect(run({ definition: { Type: 'Pass', End: true }, context: '{"Map":{}}' })).rejects.toThrow(/'Map' field is not supported/);
    await expect(run({ definition: { Type: 'Pass', End: true }, context: '{"Task":{"Token":"t"}}' })).rejects.toThrow(/contains 'Task'/);
    await expect(run({ definition: { Type: 'Nope', End: true } })).rejects.toThrow(InvalidDefinition);
  });

  test('a given context object is what $$ reads', async () => {
    const r = await run({
      definition: { Type: 'Pass', Parameters: { 'who.$': '$$.Execution.Name' }, End: true },
      context: '{"Execution":{"Name":"given-name"}}',
    });
    expect(parsed(r.output)).toEqual({ who: 'given-name' });
  });
});

describe('mocked result shapes', () => {
  const shape = outputShapeOf('arn:aws:states:::states:startExecution')!;

  test('STRICT needs required members, PRESENT checks only what is there, NONE nothing', () => {
    expect(mockResultProblem({}, shape, 'STRICT')).toBe("Required field 'ExecutionArn' is missing");
    expect(mockResultProblem({}, shape, 'PRESENT')).toBeUndefined();
    expect(mockResultProblem({ ExecutionArn: 5 }, shape, 'PRESENT')).toBe("Field 'ExecutionArn' must be a string");
    expect(mockResultProblem({ ExecutionArn: 5 }, shape, 'NONE')).toBeUndefined();
  });

  test('nested members, ranges and enums', () => {
    const getFunction = outputShapeOf('arn:aws:states:::aws-sdk:lambda:getFunction')!;
    expect(mockResultProblem({ Configuration: { MemorySize: 64 } }, getFunction, 'STRICT')).toBe("Field 'MemorySize' is less than the minimum value");
    expect(mockResultProblem({ Configuration: { MemorySize: 512, Unknown: true } }, getFunction, 'STRICT')).toBeUndefined();
    const getObject = outputShapeOf('arn:aws:states:::aws-sdk:s3:getObject')!;
    expect(mockResultProblem({ StorageClass: 'TAPE' }, getObject, 'STRICT')).toBe("Field 'StorageClass' is not an expected value");
    expect(outputShapeOf('arn:aws:states:::unknown:thing')).toBeUndefined();
  });
});
