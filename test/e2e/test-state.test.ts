import { TestStateCommand } from '@aws-sdk/client-sfn';
import { describe, expect, test } from 'vitest';
import { clusterFixture } from '../support/cluster.js';
import { ROLE_ARN } from '../support/sfn.js';
import { expectAwsError } from './helpers.js';

const cluster = clusterFixture();

describe('TestState through the real api', () => {
  test('a JSONPath Pass state with its inspection data at DEBUG', async () => {
    const out = await cluster.sfn.send(
      new TestStateCommand({
        definition: JSON.stringify({ Type: 'Pass', InputPath: '$.in', Parameters: { 'v.$': '$.v' }, ResultPath: '$.r', Next: 'After' }),
        roleArn: ROLE_ARN,
        input: '{"in":{"v":3}}',
        inspectionLevel: 'DEBUG',
      }),
    );
    expect(out.status).toBe('SUCCEEDED');
    expect(out.nextState).toBe('After');
    expect(JSON.parse(out.output!)).toEqual({ in: { v: 3 }, r: { v: 3 } });
    expect(JSON.parse(out.inspectionData!.afterInputPath!)).toEqual({ v: 3 });
    expect(JSON.parse(out.inspectionData!.afterParameters!)).toEqual({ v: 3 });
  });

  test('a mocked Task error caught by a JSONata Catch, with the context object in its output', async () => {
    const out = await cluster.sfn.send(
      new TestStateCommand({
        definition: JSON.stringify({
          QueryLanguage: 'JSONata',
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Arguments: { FunctionName: 'f', Payload: '{% $states.input %}' },
          Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states %}', Next: 'Handle' }],
          End: true,
        }),
        roleArn: ROLE_ARN,
        input: '{"k":1}',
        inspectionLevel: 'TRACE',
        mock: { errorOutput: { error: 'Broken', cause: 'mocked' } },
      }),
    );
    expect(out).toMatchObject({ status: 'CAUGHT_ERROR', nextState: 'Handle', error: 'Broken', cause: 'mocked' });
    expect(out.inspectionData!.errorDetails).toEqual({ catchIndex: 0 });
    expect(JSON.parse(out.inspectionData!.afterArguments!)).toEqual({ FunctionName: 'f', Payload: { k: 1 } });
    const caught = JSON.parse(out.output!);
    expect(caught.errorOutput).toEqual({ Error: 'Broken', Cause: 'mocked' });
    expect(caught.context.Execution.RoleArn).toBe(ROLE_ARN);
    expect(caught.context.State.RetryCount).toBe(0);
  });

  test('a Map state answers from its mock and the tolerated failures', async () => {
    const definition = JSON.stringify({
      Type: 'Map',
      ItemsPath: '$.items',
      ToleratedFailurePercentage: 50,
      ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Pass', End: true } } },
      End: true,
    });
    const send = (failures: number) =>
      cluster.sfn.send(
        new TestStateCommand({
          definition,
          input: '{"items":["a","b","c","d"]}',
          inspectionLevel: 'DEBUG',
          mock: { result: '["A","B","C","D"]' },
          stateConfiguration: { mapIterationFailureCount: failures },
        }),
      );
    const ok = await send(2);
    expect(JSON.parse(ok.output!)).toEqual(['A', 'B', 'C', 'D']);
    expect(ok.inspectionData!.toleratedFailurePercentage).toBe(50);
    const failed = await send(3);
    expect(failed).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
  });

  test('refusals: bad definitions, states that need a mock, mocks that break the result shape', async () => {
    await expectAwsError(cluster.sfn.send(new TestStateCommand({ definition: '{"Type":"Bogus","End":true}' })), 'InvalidDefinition');
    const parallel = JSON.stringify({ Type: 'Parallel', Branches: [{ StartAt: 'X', States: { X: { Type: 'Pass', End: true } } }], End: true });
    await expectAwsError(cluster.sfn.send(new TestStateCommand({ definition: parallel })), 'InvalidDefinition');
    const startExecution = JSON.stringify({ Type: 'Task', Resource: 'arn:aws:states:::states:startExecution', Parameters: { StateMachineArn: 'x' }, End: true });
    const err = await expectAwsError(
      cluster.sfn.send(new TestStateCommand({ definition: startExecution, mock: { result: '{"StartDate":"now"}' } })),
      'ValidationException',
    );
    expect(err.message).toBe("Mock result schema validation error: Required field 'ExecutionArn' is missing");
    const relaxed = await cluster.sfn.send(
      new TestStateCommand({ definition: startExecution, mock: { result: '{"StartDate":"now"}', fieldValidationMode: 'PRESENT' } }),
    );
    expect(JSON.parse(relaxed.output!)).toEqual({ StartDate: 'now' });
  });
});
