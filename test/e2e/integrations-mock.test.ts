import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { history, waitForEnd } from '../support/sfn.js';
import { expectAwsError } from './helpers.js';
import { createMachine, start, startIntegrationCluster } from './integration-support.js';

const MACHINE = `mocked-orders-${process.pid}-${Date.now().toString(36)}`;
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:charge';

const mockFile = {
  StateMachines: {
    [MACHINE]: {
      TestCases: {
        HappyPath: { Charge: 'ChargeOk', Notify: 'NotifyOk', Approve: 'Approved' },
        RetryPath: { Charge: 'ChargeFlaky', Notify: 'NotifyOk', Approve: 'Approved' },
        FailPath: { Charge: 'ChargeDeclined', Notify: 'NotifyOk', Approve: 'Approved' },
        HybridPath: { Charge: 'ChargeOk', Approve: 'Approved' },
      },
    },
  },
  MockedResponses: {
    ChargeOk: { '0': { Return: { StatusCode: 200, Payload: { charged: 42 } } } },
    ChargeFlaky: {
      '0': { Throw: { Error: 'Lambda.ServiceException', Cause: 'busy' } },
      '1': { Return: { StatusCode: 200, Payload: { charged: 7 } } },
    },
    ChargeDeclined: { '0': { Throw: { Error: 'Declined', Cause: 'card refused' } } },
    NotifyOk: { '0': { Return: { MessageId: 'm-1' } } },
    Approved: { '0': { Return: { approved: true } } },
  },
};

const definition = {
  StartAt: 'Charge',
  States: {
    Charge: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: FN, 'Payload.$': '$' },
      ResultSelector: { 'charged.$': '$.Payload.charged' },
      ResultPath: '$.charge',
      Retry: [{ ErrorEquals: ['Lambda.ServiceException'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 }],
      Catch: [{ ErrorEquals: ['Declined'], ResultPath: '$.declined', Next: 'Declined' }],
      Next: 'Notify',
    },
    Notify: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage',
      Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', 'MessageBody.$': '$' },
      ResultPath: '$.notify',
      Next: 'Approve',
    },
    Approve: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: FN, Payload: { 'token.$': '$$.Task.Token' } },
      ResultPath: '$.approval',
      End: true,
    },
    Declined: { Type: 'Fail', Error: 'Declined', Cause: 'charge declined' },
  },
};

let cluster: Awaited<ReturnType<typeof startIntegrationCluster>>;
let machineArn: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redstep-mock-'));
  const path = join(dir, 'MockConfigFile.json');
  writeFileSync(path, JSON.stringify(mockFile));
  cluster = await startIntegrationCluster({ SFN_MOCK_CONFIG: path });
  machineArn = await createMachine(cluster.sfn, definition, MACHINE);
});
afterAll(async () => {
  await cluster?.stop();
});

describe('mocked service integrations (SFN_MOCK_CONFIG)', () => {
  test('a test case answers every Task from its mocked responses, callbacks included', async () => {
    const arn = await start(cluster.sfn, `${machineArn}#HappyPath`, { order: 1 });
    const done = await waitForEnd(cluster.sfn, arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ order: 1, charge: { charged: 42 }, notify: { MessageId: 'm-1' }, approval: { approved: true } });
    const events = await history(cluster.sfn, arn);
    const scheduled = events.filter((e) => e.type === 'TaskScheduled').map((e) => e.taskScheduledEventDetails);
    expect(scheduled.map((d) => [d?.resourceType, d?.resource])).toEqual([
      ['lambda', 'invoke'],
      ['sqs', 'sendMessage'],
      ['lambda', 'invoke.waitForTaskToken'],
    ]);
    expect(JSON.parse(scheduled[0]!.parameters!)).toEqual({ FunctionName: FN, Payload: { order: 1 } });
    expect(events.filter((e) => e.type === 'TaskSucceeded')).toHaveLength(3);
  });

  test('responses follow the invocation count: a throw, then a return on the retry', async () => {
    const arn = await start(cluster.sfn, `${machineArn}#RetryPath`);
    const done = await waitForEnd(cluster.sfn, arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!).charge).toEqual({ charged: 7 });
    const types = (await history(cluster.sfn, arn)).map((e) => e.type);
    const failedAt = types.indexOf('TaskFailed');
    expect(failedAt).toBeGreaterThan(0);
    expect(types.indexOf('TaskSucceeded')).toBeGreaterThan(failedAt);
    const failed = (await history(cluster.sfn, arn)).find((e) => e.type === 'TaskFailed')!.taskFailedEventDetails;
    expect(failed).toMatchObject({ error: 'Lambda.ServiceException', cause: 'busy', resourceType: 'lambda', resource: 'invoke' });
  });

  test('a mocked Throw goes through Catch', async () => {
    const arn = await start(cluster.sfn, `${machineArn}#FailPath`);
    const done = await waitForEnd(cluster.sfn, arn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'Declined', cause: 'charge declined' });
  });

  test('a state the test case does not mock calls its service (here none is configured: it fails at once)', async () => {
    const arn = await start(cluster.sfn, `${machineArn}#HybridPath`);
    const done = await waitForEnd(cluster.sfn, arn, 10_000);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('SQS.SdkClientException');
  });

  test('without a test case nothing is mocked; an unknown test case is refused', async () => {
    const arn = await start(cluster.sfn, machineArn);
    const done = await waitForEnd(cluster.sfn, arn, 10_000);
    expect(done).toMatchObject({ status: 'FAILED', error: 'Lambda.SdkClientException' });
    await expectAwsError(cluster.sfn.send(new StartExecutionCommand({ stateMachineArn: `${machineArn}#NoSuchCase` })), 'ValidationException');
  });
});
