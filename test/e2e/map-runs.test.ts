import {
  CreateStateMachineCommand,
  DescribeMapRunCommand,
  ListMapRunsCommand,
  StartExecutionCommand,
  UpdateMapRunCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, test } from 'vitest';
import { clusterFixture } from '../support/cluster.js';
import { history, ROLE_ARN, uniqueName, waitForEnd } from '../support/sfn.js';
import { ACCOUNT_SCOPE, expectAwsError } from './helpers.js';

const cluster = clusterFixture();

async function start(definition: object, input: unknown) {
  const { sfn } = cluster;
  const name = uniqueName('maprun');
  const sm = await sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
  const ex = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn, input: JSON.stringify(input) }));
  return { name, arn: ex.executionArn! };
}

const distributed = (states: object, extra: object = {}) => ({
  StartAt: 'Fan',
  States: {
    Fan: { Type: 'Map', Label: 'Fan', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, ...states }, End: true, ...extra },
  },
});

describe('Map Runs', () => {
  test('a distributed Map creates a map run: listed, described with counts; ItemBatcher makes batches', async () => {
    const { sfn } = cluster;
    const items = Array.from({ length: 7 }, (_, i) => i);
    const { name, arn } = await start(
      distributed({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, { ItemBatcher: { MaxItemsPerBatch: 3, BatchInput: { b: true } }, MaxConcurrency: 2 }),
      items,
    );
    const done = await waitForEnd(sfn, arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual([
      { BatchInput: { b: true }, Items: [0, 1, 2] },
      { BatchInput: { b: true }, Items: [3, 4, 5] },
      { BatchInput: { b: true }, Items: [6] },
    ]);
    const listed = await sfn.send(new ListMapRunsCommand({ executionArn: arn }));
    expect(listed.mapRuns).toHaveLength(1);
    const run = listed.mapRuns![0]!;
    expect(run.mapRunArn).toMatch(new RegExp(`^arn:aws:states:[a-z0-9-]+:\\d{12}:mapRun:${name}/Fan:[0-9a-f-]{36}$`));
    expect(run.executionArn).toBe(arn);
    expect(run.stopDate).toBeInstanceOf(Date);
    const events = await history(sfn, arn);
    expect(events.find((e) => e.type === 'MapRunStarted')?.mapRunStartedEventDetails?.mapRunArn).toBe(run.mapRunArn);

    const described = await sfn.send(new DescribeMapRunCommand({ mapRunArn: run.mapRunArn }));
    expect(described).toMatchObject({ status: 'SUCCEEDED', executionArn: arn, maxConcurrency: 2, toleratedFailureCount: 0, toleratedFailurePercentage: 0, redriveCount: 0 });
    expect(described.executionCounts).toMatchObject({ total: 3, succeeded: 3, failed: 0, running: 0, pending: 0, aborted: 0, timedOut: 0, resultsWritten: 0 });
  });

  test('AWS errors for unknown or malformed map runs and executions', async () => {
    const { sfn } = cluster;
    const unknown = `${ACCOUNT_SCOPE}:mapRun:nope/Fan:00000000-0000-0000-0000-000000000000`;
    await expectAwsError(sfn.send(new DescribeMapRunCommand({ mapRunArn: unknown })), 'ResourceNotFound');
    await expectAwsError(sfn.send(new UpdateMapRunCommand({ mapRunArn: unknown, maxConcurrency: 1 })), 'ResourceNotFound');
    await expectAwsError(sfn.send(new DescribeMapRunCommand({ mapRunArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:x' })), 'InvalidArn');
    await expectAwsError(sfn.send(new ListMapRunsCommand({ executionArn: `${ACCOUNT_SCOPE}:execution:nope:nope` })), 'ExecutionDoesNotExist');
  });


  test('a distributed Map over 10,000 items completes with every result in order', async () => {
    const { sfn } = cluster;
    const items = Array.from({ length: 10_000 }, (_, i) => i);
    const { arn } = await start(
      distributed({ StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'v.$': '$' }, End: true } } }, { MaxConcurrency: 1000 }),
      items,
    );
    const done = await waitForEnd(sfn, arn, 90_000);
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output!) as { v: number }[];
    expect(output).toHaveLength(10_000);
    expect(output.every((r, i) => r.v === i)).toBe(true);
    const run = (await sfn.send(new ListMapRunsCommand({ executionArn: arn }))).mapRuns![0]!;
    const described = await sfn.send(new DescribeMapRunCommand({ mapRunArn: run.mapRunArn }));
    expect(described.executionCounts).toMatchObject({ total: 10_000, succeeded: 10_000, failed: 0 });
  }, 120_000);

  test('UpdateMapRun raises MaxConcurrency of a running map run', async () => {
    const { sfn } = cluster;
    const { arn } = await start(
      distributed({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, End: true } } }, { MaxConcurrency: 1 }),
      Array.from({ length: 6 }, (_, i) => i),
    );
    let mapRunArn: string | undefined;
    for (let i = 0; i < 50 && !mapRunArn; i++) {
      mapRunArn = (await sfn.send(new ListMapRunsCommand({ executionArn: arn }))).mapRuns?.[0]?.mapRunArn;
      if (!mapRunArn) await new Promise((r) => setTimeout(r, 100));
    }
    await sfn.send(new UpdateMapRunCommand({ mapRunArn, maxConcurrency: 6 }));
    expect((await sfn.send(new DescribeMapRunCommand({ mapRunArn }))).maxConcurrency).toBe(6);
    // Raised to six, the iterations still to start run together: more than one runs at once.
    let mostRunning = 0;
    for (let i = 0; i < 300; i++) {
      const counts = (await sfn.send(new DescribeMapRunCommand({ mapRunArn }))).executionCounts!;
      mostRunning = Math.max(mostRunning, counts.running ?? 0);
      if (counts.succeeded === 6) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(mostRunning).toBeGreaterThan(1);
    expect((await waitForEnd(sfn, arn, 30_000)).status).toBe('SUCCEEDED');
  });
});
