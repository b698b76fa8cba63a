import { CreateStateMachineCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, test } from 'vitest';
import { clusterFixture } from '../support/cluster.js';
import { history, ROLE_ARN, uniqueName, waitForEnd } from '../support/sfn.js';

const cluster = clusterFixture();

async function run(definition: object, input: string) {
  const { sfn } = cluster;
  const sm = await sfn.send(new CreateStateMachineCommand({ name: uniqueName('basics'), definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
  const ex = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn, input }));
  const done = await waitForEnd(sfn, ex.executionArn!);
  return { done, events: await history(sfn, ex.executionArn!) };
}

describe('executions through real api and worker processes', () => {
  test('Pass, Wait and Choice run to SUCCEEDED with one event per step', async () => {
    const { done, events } = await run(
      {
        StartAt: 'P',
        States: {
          P: { Type: 'Pass', Result: { n: 2 }, ResultPath: '$.r', Next: 'W' },
          W: { Type: 'Wait', Seconds: 1, Next: 'C' },
          C: { Type: 'Choice', Choices: [{ Variable: '$.r.n', NumericGreaterThan: 1, Next: 'Done' }], Default: 'Bad' },
          Done: { Type: 'Succeed' },
          Bad: { Type: 'Fail', Error: 'Wrong' },
        },
      },
      '{"in":true}',
    );
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ in: true, r: { n: 2 } });
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    const waited = events[4]!.timestamp!.getTime() - events[3]!.timestamp!.getTime();
    expect(waited).toBeGreaterThanOrEqual(1000);
  });

  test('a Fail state fails the execution with its error and cause', async () => {
    const { done, events } = await run({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Boom', Cause: 'because' } } }, '{}');
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('Boom');
    expect(done.cause).toBe('because');
    expect(events.at(-1)).toMatchObject({ type: 'ExecutionFailed', executionFailedEventDetails: { error: 'Boom', cause: 'because' } });
  });

  test('a runtime path error names the state and the event that entered it', async () => {
    const { done } = await run({ StartAt: 'P', States: { P: { Type: 'Pass', InputPath: '$.missing', End: true } } }, '{}');
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('States.Runtime');
    expect(done.cause).toMatch(/^An error occurred while executing the state 'P' \(entered at the event id #2\)\. /);
  });
});
