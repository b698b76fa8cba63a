import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { connectTo, executionId, keys } from '@redstep/store';
import { describe, expect, test } from 'vitest';
import { clusterFixture } from '../support/cluster.js';
import { history, ROLE_ARN, uniqueName, waitForEnd } from '../support/sfn.js';
import { ACCOUNT_SCOPE, expectAwsError } from './helpers.js';

const cluster = clusterFixture();

/** Fails at the Choice (no rule matches) until the execution has been redriven. */
const untilRedriven = {
  StartAt: 'First',
  States: {
    First: { Type: 'Pass', Result: 'kept', ResultPath: '$.first', Next: 'Gate' },
    Gate: { Type: 'Choice', Choices: [{ Variable: '$$.Execution.RedriveCount', NumericGreaterThan: 0, Next: 'Done' }] },
    Done: { Type: 'Pass', Parameters: { 'first.$': '$.first', 'redriveCount.$': '$$.Execution.RedriveCount' }, End: true },
  },
};

async function start(definition: object, input: unknown = {}) {
  const { sfn } = cluster;
  const sm = await sfn.send(new CreateStateMachineCommand({ name: uniqueName('redrive'), definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
  const ex = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn, input: JSON.stringify(input) }));
  return { smArn: sm.stateMachineArn!, arn: ex.executionArn! };
}

describe('RedriveExecution', () => {
  test('a failed execution resumes at the failed state, same input, and succeeds; counts, dates, status and history follow', async () => {
    const { sfn } = cluster;
    const { smArn, arn } = await start(untilRedriven, { a: 1 });
    const failed = await waitForEnd(sfn, arn);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe('States.NoChoiceMatched');
    expect(failed).toMatchObject({ redriveCount: 0, redriveStatus: 'REDRIVABLE' });
    const before = await history(sfn, arn);

    const res = await sfn.send(new RedriveExecutionCommand({ executionArn: arn, clientToken: 'token-1' }));
    expect(res.redriveDate).toBeInstanceOf(Date);
    const done = await waitForEnd(sfn, arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ first: 'kept', redriveCount: 1 });
    expect(done.redriveCount).toBe(1);
    expect(done.redriveDate?.getTime()).toBe(res.redriveDate!.getTime());
    expect(done.redriveStatus).toBe('NOT_REDRIVABLE');
    expect(done.redriveStatusReason).toBe('Execution is SUCCEEDED and cannot be redriven');
    expect(done.input).toBe(JSON.stringify({ a: 1 }));

    const after = await history(sfn, arn);
    const added = after.slice(before.length);
    expect(added[0]).toMatchObject({ type: 'ExecutionRedriven', executionRedrivenEventDetails: { redriveCount: 1 }, previousEventId: before.length });
    // The successful First state is not run again: the redrive starts at the Choice that failed.
    expect(added.map((e) => e.type)).toEqual(['ExecutionRedriven', 'ChoiceStateEntered', 'ChoiceStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);

    // The same client token answers the same redrive; the execution is not redriven again.
    const again = await sfn.send(new RedriveExecutionCommand({ executionArn: arn, clientToken: 'token-1' }));
    expect(again.redriveDate?.getTime()).toBe(res.redriveDate!.getTime());
    await expectAwsError(sfn.send(new RedriveExecutionCommand({ executionArn: arn, clientToken: 'token-2' })), 'ExecutionNotRedrivable');

    const redriven = await sfn.send(new ListExecutionsCommand({ stateMachineArn: smArn, redriveFilter: 'REDRIVEN' }));
    expect(redriven.executions!.map((e) => e.executionArn)).toEqual([arn]);
    expect(redriven.executions![0]!.redriveCount).toBe(1);
    const notRedriven = await sfn.send(new ListExecutionsCommand({ stateMachineArn: smArn, redriveFilter: 'NOT_REDRIVEN' }));
    expect(notRedriven.executions).toEqual([]);
  });

  test('a Map redrives only its failed iterations; successful ones keep their results', async () => {
    const { sfn } = cluster;
    const iteration = {
      StartAt: 'Check',
      States: {
        Check: {
          Type: 'Choice',
          Choices: [
            { Variable: '$$.Execution.RedriveCount', NumericGreaterThan: 0, Next: 'Mark' },
            { Variable: '$.bad', BooleanEquals: false, Next: 'Mark' },
          ],
        },
        Mark: { Type: 'Pass', Parameters: { 'n.$': '$.n', 'run.$': '$$.Execution.RedriveCount' }, End: true },
      },
    };
    const items = [0, 1, 2, 3, 4, 5].map((n) => ({ n, bad: n === 3 || n === 5 }));
    const { arn } = await start({ StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: iteration, ToleratedFailureCount: 0, End: true } } }, items);
    const failed = await waitForEnd(sfn, arn);
    expect(failed.status).toBe('FAILED');
    await sfn.send(new RedriveExecutionCommand({ executionArn: arn }));
    const done = await waitForEnd(sfn, arn);
    expect(done.status).toBe('SUCCEEDED');
    const out = JSON.parse(done.output!) as { n: number; run: number }[];
    expect(out.map((o) => o.n)).toEqual([0, 1, 2, 3, 4, 5]);
    // Items 0-2 succeeded in the first run; 3 failed (and 4, 5 never started) so they ran on the redrive.
    expect(out.map((o) => o.run)).toEqual([0, 0, 0, 1, 1, 1]);
    const events = await history(sfn, arn);
    const redrivenAt = events.findIndex((e) => e.type === 'ExecutionRedriven');
    const restarted = events.slice(redrivenAt).filter((e) => e.type === 'MapIterationStarted').map((e) => e.mapIterationStartedEventDetails!.index);
    expect(restarted).toEqual([3, 4, 5]);
  });

  test('an aborted execution waiting in a Parallel branch is redriven; the finished branch is kept', async () => {
    const { sfn } = cluster;
    const { arn } = await start({
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Quick', States: { Quick: { Type: 'Pass', Result: 'quick', End: true } } },
            { StartAt: 'Slow', States: { Slow: { Type: 'Wait', Seconds: 1, Next: 'Tail' }, Tail: { Type: 'Pass', Result: 'slow', End: true } } },
          ],
          End: true,
        },
      },
    });
    // Stop it while its slow branch waits (the quick branch has finished by then).
    for (let i = 0; i < 100 && !(await history(sfn, arn)).some((e) => e.type === 'WaitStateEntered'); i++) await sleep(20);
    await sfn.send(new StopExecutionCommand({ executionArn: arn, error: 'Stopped' }));
    const stopped = await waitForEnd(sfn, arn);
    expect(stopped.status).toBe('ABORTED');
    expect(stopped.redriveStatus).toBe('REDRIVABLE');
    await sfn.send(new RedriveExecutionCommand({ executionArn: arn }));
    const done = await waitForEnd(sfn, arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual(['quick', 'slow']);
    const events = await history(sfn, arn);
    expect(events.filter((e) => e.type === 'PassStateEntered' && e.stateEnteredEventDetails?.name === 'Quick')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'WaitStateEntered')).toHaveLength(2);
  });

  test('AWS errors: running, succeeded, unknown, bad ARN, expired redrive period, deleted state machine', async () => {
    const { sfn } = cluster;
    const running = await start({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 30, End: true } } });
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: running.arn }));
    expect(described).toMatchObject({ redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution is RUNNING and cannot be redriven' });
    const err = await expectAwsError(sfn.send(new RedriveExecutionCommand({ executionArn: running.arn })), 'ExecutionNotRedrivable');
    expect(err.message).toContain('RUNNING');
    await sfn.send(new StopExecutionCommand({ executionArn: running.arn }));

    const ok = await start({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    await waitForEnd(sfn, ok.arn);
    await expectAwsError(sfn.send(new RedriveExecutionCommand({ executionArn: ok.arn })), 'ExecutionNotRedrivable');

    await expectAwsError(sfn.send(new RedriveExecutionCommand({ executionArn: `${ACCOUNT_SCOPE}:execution:nope:nope` })), 'ExecutionDoesNotExist');
    await expectAwsError(sfn.send(new RedriveExecutionCommand({ executionArn: 'not-an-arn' })), 'InvalidArn');

    // Closed more than 14 days ago: moved back in Redis, as time would.
    const old = await start(untilRedriven);
    await waitForEnd(sfn, old.arn);
    const { redis } = connectTo(cluster.redis.target);
    await redis.hset(keys.execution(executionId(old.arn)), 'stopDate', Date.now() - 15 * 24 * 3600 * 1000);
    await redis.quit();
    const expired = await sfn.send(new DescribeExecutionCommand({ executionArn: old.arn }));
    expect(expired).toMatchObject({ redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution redrivable period exceeded' });
    await expectAwsError(sfn.send(new RedriveExecutionCommand({ executionArn: old.arn })), 'ExecutionNotRedrivable');

    const orphan = await start(untilRedriven);
    await waitForEnd(sfn, orphan.arn);
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: orphan.smArn }));
    await expectAwsError(sfn.send(new RedriveExecutionCommand({ executionArn: orphan.arn })), 'ExecutionNotRedrivable');
  });
});
