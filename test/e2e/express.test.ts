import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  StartExecutionCommand,
  StartSyncExecutionCommand,
} from '@aws-sdk/client-sfn';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { clusterFixture } from '../support/cluster.js';
import { ROLE_ARN, uniqueName } from '../support/sfn.js';
import { expectAwsError, passMachine } from './helpers.js';

const cluster = clusterFixture();

async function machine(definition: string, type: 'STANDARD' | 'EXPRESS') {
  const name = uniqueName('express');
  const sm = await cluster.sfn.send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE_ARN, type }));
  return { name, arn: sm.stateMachineArn! };
}

async function expressSucceeded(stateMachine: string): Promise<number> {
  const text = await (await fetch(`${cluster.workers[0]!.metricsUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`redstep_express_executions_total{state_machine="${stateMachine}",status="SUCCEEDED"}`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('Express state machines', () => {
  test('StartSyncExecution returns the outcome, output and billing details', async () => {
    const ok = await machine(passMachine({ done: true }), 'EXPRESS');
    const res = await cluster.sfn.send(new StartSyncExecutionCommand({ stateMachineArn: ok.arn, input: '{"x":1}' }));
    expect(res.status).toBe('SUCCEEDED');
    expect(JSON.parse(res.output!)).toEqual({ done: true });
    expect(res.executionArn).toMatch(new RegExp(`:express:${ok.name}:[^:]+:[0-9a-f-]{36}$`));
    expect(res.billingDetails?.billedDurationInMilliseconds).toBeGreaterThanOrEqual(100);

    const failing = await machine(JSON.stringify({ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Nope', Cause: 'why' } } }), 'EXPRESS');
    const failed = await cluster.sfn.send(new StartSyncExecutionCommand({ stateMachineArn: failing.arn }));
    expect(failed).toMatchObject({ status: 'FAILED', error: 'Nope', cause: 'why' });
  });

  test('StartSyncExecution on a STANDARD machine is StateMachineTypeNotSupported', async () => {
    const standard = await machine(passMachine(), 'STANDARD');
    await expectAwsError(cluster.sfn.send(new StartSyncExecutionCommand({ stateMachineArn: standard.arn })), 'StateMachineTypeNotSupported');
  });

  test('StartExecution on an EXPRESS machine runs it asynchronously and keeps no history', async () => {
    const { sfn } = cluster;
    const m = await machine(JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, Next: 'P' }, P: { Type: 'Pass', End: true } } }), 'EXPRESS');
    const before = await expressSucceeded(m.name);
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: m.arn, input: '{}' }));
    expect(started.executionArn).toMatch(new RegExp(`:express:${m.name}:[^:]+:[0-9a-f-]{36}$`));
    // Express executions are not described, listed or given a history, as on AWS.
    await expectAwsError(sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn })), 'InvalidArn');
    await expectAwsError(sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn })), 'InvalidArn');
    expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn: m.arn }))).executions).toEqual([]);
    // It still runs to its end on the worker fleet: the worker counts it.
    let after = before;
    for (let i = 0; i < 100 && after === before; i++) {
      await sleep(100);
      after = await expressSucceeded(m.name);
    }
    expect(after).toBe(before + 1);
  });
});
