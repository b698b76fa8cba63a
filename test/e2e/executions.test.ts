import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  UpdateStateMachineCommand,
  type ExecutionStatus,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { clusterFixture } from '../support/cluster.js';
import { history, ROLE_ARN, uniqueName, waitForEnd } from '../support/sfn.js';
import { ACCOUNT_SCOPE, expectAwsError, tamperToken, passMachine, waitMachine } from './helpers.js';

const cluster = clusterFixture();

async function machine(definition: string, prefix = 'ex') {
  const name = uniqueName(prefix);
  const { stateMachineArn } = await cluster.sfn.send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE_ARN }));
  return { name, arn: stateMachineArn! };
}
const start = (stateMachineArn: string, name?: string, input?: string) =>
  cluster.sfn.send(new StartExecutionCommand({ stateMachineArn, name, input }));
const describeEx = (executionArn: string) => cluster.sfn.send(new DescribeExecutionCommand({ executionArn }));

/** Waits until the execution has at least `n` history events (e.g. it reached its Wait). */
async function untilEvents(executionArn: string, type: string): Promise<HistoryEvent[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const events = await history(cluster.sfn, executionArn);
    if (events.some((e) => e.type === type) || Date.now() > deadline) return events;
    await sleep(50);
  }
}

describe('StartExecution and DescribeExecution', () => {
  test('starts, runs to SUCCEEDED and describes every field', async () => {
    const sm = await machine(passMachine({ done: true }));
    const name = uniqueName('run');
    const started = await start(sm.arn, name, '{"x":1}');
    expect(started.executionArn).toBe(`${ACCOUNT_SCOPE}:execution:${sm.name}:${name}`);
    expect(started.startDate).toBeInstanceOf(Date);
    const done = await waitForEnd(cluster.sfn, started.executionArn!);
    expect(done).toMatchObject({
      executionArn: started.executionArn,
      stateMachineArn: sm.arn,
      name,
      status: 'SUCCEEDED',
      input: '{"x":1}',
      inputDetails: { included: true },
      output: '{"done":true}',
      outputDetails: { included: true },
    });
    expect(done.startDate!.getTime()).toBe(started.startDate!.getTime());
    expect(done.stopDate!.getTime()).toBeGreaterThanOrEqual(done.startDate!.getTime());
    expect(done.error).toBeUndefined();
  });

  test('without name or input: a generated name and input {}', async () => {
    const sm = await machine(passMachine());
    const started = await start(sm.arn);
    const d = await describeEx(started.executionArn!);
    expect(d.name).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.input).toBe('{}');
  });

  test('bad input: InvalidArn, StateMachineDoesNotExist, InvalidName, ValidationException, InvalidExecutionInput', async () => {
    const sm = await machine(passMachine());
    await expectAwsError(start('nope'), 'InvalidArn');
    await expectAwsError(start(`${ACCOUNT_SCOPE}:activity:a`), 'InvalidArn');
    await expectAwsError(start(`${ACCOUNT_SCOPE}:stateMachine:${uniqueName('none')}`), 'StateMachineDoesNotExist');
    await expectAwsError(start(sm.arn, 'bad name'), 'InvalidName');
    await expectAwsError(start(sm.arn, 'a'.repeat(81)), 'ValidationException');
    for (const input of ['{', 'not json', '{"a":}']) {
      await expectAwsError(start(sm.arn, uniqueName('in'), input), 'InvalidExecutionInput');
    }
  });

  test('idempotency: same name and input while RUNNING returns it; other input or a closed execution is ExecutionAlreadyExists', async () => {
    const slow = await machine(waitMachine(30));
    const name = uniqueName('idem');
    const first = await start(slow.arn, name, '{"a":1}');
    const again = await start(slow.arn, name, '{"a":1}');
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate!.getTime()).toBe(first.startDate!.getTime());
    const err = await expectAwsError(start(slow.arn, name, '{"a":2}'), 'ExecutionAlreadyExists');
    expect(err.message).toContain(first.executionArn!);
    const list = await cluster.sfn.send(new ListExecutionsCommand({ stateMachineArn: slow.arn }));
    expect(list.executions!.map((e) => e.executionArn)).toEqual([first.executionArn]);
    await cluster.sfn.send(new StopExecutionCommand({ executionArn: first.executionArn }));
    // Closed: the same name is refused whatever the input.
    await expectAwsError(start(slow.arn, name, '{"a":1}'), 'ExecutionAlreadyExists');

    const fast = await machine(passMachine());
    const quick = await start(fast.arn, name, '{}');
    expect((await waitForEnd(cluster.sfn, quick.executionArn!)).status).toBe('SUCCEEDED');
    await expectAwsError(start(fast.arn, name, '{}'), 'ExecutionAlreadyExists');
  });

  test('DescribeExecution: unknown is ExecutionDoesNotExist, wrong kind is InvalidArn', async () => {
    const missing = `${ACCOUNT_SCOPE}:execution:sm:${uniqueName('none')}`;
    const err = await expectAwsError(describeEx(missing), 'ExecutionDoesNotExist');
    expect(err.message).toBe(`Execution Does Not Exist: '${missing}'`);
    await expectAwsError(describeEx(`${ACCOUNT_SCOPE}:stateMachine:sm`), 'InvalidArn');
    await expectAwsError(describeEx('arn:aws:states:us-east-1:123456789012:execution:only-one-part'), 'InvalidArn');
  });
});

describe('DescribeStateMachineForExecution', () => {
  test('answers the definition the execution started with, not the updated one', async () => {
    const original = waitMachine(30);
    const sm = await machine(original);
    const { executionArn } = await start(sm.arn, uniqueName('v1'));
    const updated = passMachine('v2');
    await cluster.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: sm.arn, definition: updated }));
    const forEx = await cluster.sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
    expect(forEx).toMatchObject({ stateMachineArn: sm.arn, name: sm.name, definition: original, roleArn: ROLE_ARN });
    expect(forEx.updateDate).toBeInstanceOf(Date);
    const current = await cluster.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: sm.arn }));
    expect(current.definition).toBe(updated);
    await cluster.sfn.send(new StopExecutionCommand({ executionArn }));
  });

  test('errors: ExecutionDoesNotExist and InvalidArn', async () => {
    await expectAwsError(
      cluster.sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: `${ACCOUNT_SCOPE}:execution:sm:${uniqueName('none')}` })),
      'ExecutionDoesNotExist',
    );
    await expectAwsError(cluster.sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: `${ACCOUNT_SCOPE}:stateMachine:sm` })), 'InvalidArn');
  });
});

describe('StopExecution', () => {
  test('stops a Wait: ABORTED with error and cause, an ExecutionAborted event, and the timer does nothing later', async () => {
    const sm = await machine(waitMachine(2));
    const { executionArn } = await start(sm.arn, uniqueName('stop'));
    await untilEvents(executionArn!, 'WaitStateEntered');
    const stopped = await cluster.sfn.send(new StopExecutionCommand({ executionArn, error: 'Manual', cause: 'operator said so' }));
    expect(stopped.stopDate).toBeInstanceOf(Date);
    const d = await describeEx(executionArn!);
    expect(d).toMatchObject({ status: 'ABORTED', error: 'Manual', cause: 'operator said so' });
    expect(d.stopDate!.getTime()).toBe(stopped.stopDate!.getTime());
    const events = await history(cluster.sfn, executionArn!);
    expect(events.map((e) => e.type)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionAborted']);
    expect(events[2]).toMatchObject({ id: 3, executionAbortedEventDetails: { error: 'Manual', cause: 'operator said so' } });
    // The Wait's timer comes due after the stop: it must change nothing.
    await sleep(2500);
    expect((await history(cluster.sfn, executionArn!)).length).toBe(3);
    expect((await describeEx(executionArn!)).status).toBe('ABORTED');
  });

  test('without error and cause the execution is ABORTED with neither', async () => {
    const sm = await machine(waitMachine(30));
    const { executionArn } = await start(sm.arn);
    await cluster.sfn.send(new StopExecutionCommand({ executionArn }));
    const d = await describeEx(executionArn!);
    expect(d.status).toBe('ABORTED');
    expect(d.error).toBeUndefined();
    expect(d.cause).toBeUndefined();
    const last = (await history(cluster.sfn, executionArn!)).at(-1)!;
    expect(last.type).toBe('ExecutionAborted');
  });

  test('stopping an execution that already closed succeeds and changes nothing', async () => {
    const sm = await machine(passMachine());
    const { executionArn } = await start(sm.arn);
    const done = await waitForEnd(cluster.sfn, executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    const stopped = await cluster.sfn.send(new StopExecutionCommand({ executionArn, error: 'Late' }));
    expect(stopped.stopDate).toBeInstanceOf(Date);
    const after = await describeEx(executionArn!);
    expect(after).toMatchObject({ status: 'SUCCEEDED', output: done.output });
    expect(after.error).toBeUndefined();
    expect((await history(cluster.sfn, executionArn!)).at(-1)!.type).toBe('ExecutionSucceeded');

    // Stopping twice keeps the first stop's error.
    const slow = await machine(waitMachine(30));
    const second = await start(slow.arn);
    await cluster.sfn.send(new StopExecutionCommand({ executionArn: second.executionArn, error: 'First' }));
    await cluster.sfn.send(new StopExecutionCommand({ executionArn: second.executionArn, error: 'Second' }));
    expect(await describeEx(second.executionArn!)).toMatchObject({ status: 'ABORTED', error: 'First' });
    expect((await history(cluster.sfn, second.executionArn!)).filter((e) => e.type === 'ExecutionAborted')).toHaveLength(1);
  });

  test('errors: ExecutionDoesNotExist, InvalidArn, ValidationException for a too-long error', async () => {
    await expectAwsError(cluster.sfn.send(new StopExecutionCommand({ executionArn: `${ACCOUNT_SCOPE}:execution:sm:${uniqueName('none')}` })), 'ExecutionDoesNotExist');
    await expectAwsError(cluster.sfn.send(new StopExecutionCommand({ executionArn: `${ACCOUNT_SCOPE}:activity:a` })), 'InvalidArn');
    await expectAwsError(
      cluster.sfn.send(new StopExecutionCommand({ executionArn: `${ACCOUNT_SCOPE}:execution:sm:x`, error: 'e'.repeat(257) })),
      'ValidationException',
    );
  });
});

describe('ListExecutions', () => {
  const branching = JSON.stringify({
    StartAt: 'C',
    States: {
      C: { Type: 'Choice', Choices: [{ Variable: '$.wait', BooleanEquals: true, Next: 'W' }], Default: 'Done' },
      W: { Type: 'Wait', Seconds: 30, Next: 'Done' },
      Done: { Type: 'Succeed' },
    },
  });

  async function listAll(stateMachineArn: string, maxResults?: number, statusFilter?: ExecutionStatus) {
    const items: { executionArn?: string; status?: string; startDate?: Date; stopDate?: Date }[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await cluster.sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults, statusFilter, nextToken }));
      if (maxResults) expect(page.executions!.length).toBeLessThanOrEqual(maxResults);
      items.push(...page.executions!);
      nextToken = page.nextToken;
      pages++;
    } while (nextToken && pages < 100);
    return { items, pages };
  }

  test('pages newest first without duplicates or gaps, and filters by status', async () => {
    const sm = await machine(branching, 'list');
    const started: string[] = [];
    for (let i = 0; i < 5; i++) started.push((await start(sm.arn, `quick-${i}`, '{"wait":false}')).executionArn!);
    for (let i = 0; i < 3; i++) started.push((await start(sm.arn, `slow-${i}`, '{"wait":true}')).executionArn!);
    for (const arn of started.slice(0, 5)) expect((await waitForEnd(cluster.sfn, arn)).status).toBe('SUCCEEDED');
    await cluster.sfn.send(new StopExecutionCommand({ executionArn: started[5] }));

    const { items, pages } = await listAll(sm.arn, 3);
    expect(pages).toBe(3);
    expect(items.map((e) => e.executionArn)).toEqual([...started].reverse());
    const starts = items.map((e) => e.startDate!.getTime());
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    expect(items.find((e) => e.executionArn === started[0])).toMatchObject({ status: 'SUCCEEDED', stopDate: expect.any(Date) });

    const byStatus = async (s: ExecutionStatus, size = 2) => (await listAll(sm.arn, size, s)).items.map((e) => e.executionArn).sort();
    expect(await byStatus('SUCCEEDED')).toEqual(started.slice(0, 5).sort());
    // A page that fills up in the middle of a read-ahead batch must still hand out the rest.
    expect(await byStatus('SUCCEEDED', 4)).toEqual(started.slice(0, 5).sort());
    expect(await byStatus('RUNNING')).toEqual(started.slice(6).sort());
    expect(await byStatus('ABORTED')).toEqual([started[5]]);
    expect(await byStatus('FAILED')).toEqual([]);
    for (const arn of started.slice(6)) await cluster.sfn.send(new StopExecutionCommand({ executionArn: arn }));
  });

  test('executions started between pages neither repeat nor hide listed ones', async () => {
    const sm = await machine(passMachine(), 'listlive');
    const older: string[] = [];
    for (let i = 0; i < 4; i++) older.push((await start(sm.arn, `old-${i}`)).executionArn!);
    const first = await cluster.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm.arn, maxResults: 2 }));
    for (let i = 0; i < 2; i++) await start(sm.arn, `new-${i}`);
    const rest = await listAllFrom(sm.arn, first.nextToken!);
    const seen = [...first.executions!, ...rest].map((e) => e.executionArn);
    expect(seen).toEqual([...older].reverse());
  });

  async function listAllFrom(stateMachineArn: string, token: string) {
    const items: { executionArn?: string }[] = [];
    let nextToken: string | undefined = token;
    while (nextToken) {
      const page = await cluster.sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 2, nextToken }));
      items.push(...page.executions!);
      nextToken = page.nextToken;
    }
    return items;
  }

  test('a running execution outlives the deletion of its state machine', async () => {
    const sm = await machine(waitMachine(1), 'orphan');
    const { executionArn } = await start(sm.arn);
    await cluster.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: sm.arn }));
    const done = await waitForEnd(cluster.sfn, executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    await expectAwsError(cluster.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm.arn })), 'StateMachineDoesNotExist');
  });

  test('errors: tampered token, missing or unknown machine, maxResults over 1000, bad status', async () => {
    const sm = await machine(passMachine(), 'listerr');
    for (let i = 0; i < 3; i++) await start(sm.arn);
    const first = await cluster.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm.arn, maxResults: 1 }));
    expect(first.nextToken).toBeTruthy();
    const tampered = tamperToken(first.nextToken!);
    await expectAwsError(cluster.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm.arn, maxResults: 1, nextToken: tampered })), 'InvalidToken');
    // A token only pages the listing that issued it.
    await expectAwsError(
      cluster.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm.arn, statusFilter: 'RUNNING', nextToken: first.nextToken })),
      'InvalidToken',
    );
    await expectAwsError(cluster.sfn.send(new ListExecutionsCommand({})), 'ValidationException');
    await expectAwsError(cluster.sfn.send(new ListExecutionsCommand({ stateMachineArn: `${ACCOUNT_SCOPE}:stateMachine:${uniqueName('none')}` })), 'StateMachineDoesNotExist');
    await expectAwsError(cluster.sfn.send(new ListExecutionsCommand({ stateMachineArn: `${ACCOUNT_SCOPE}:activity:a` })), 'InvalidArn');
    await expectAwsError(cluster.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm.arn, maxResults: 1001 })), 'ValidationException');
    await expectAwsError(
      cluster.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm.arn, statusFilter: 'DONE' as ExecutionStatus })),
      'ValidationException',
    );
  });
});

describe('GetExecutionHistory', () => {
  const chain = JSON.stringify({
    StartAt: 'A',
    States: {
      A: { Type: 'Pass', Next: 'B' },
      B: { Type: 'Pass', Next: 'C' },
      C: { Type: 'Pass', Next: 'D' },
      D: { Type: 'Pass', Next: 'E' },
      E: { Type: 'Pass', Result: { fin: 1 }, End: true },
    },
  });

  async function pages(executionArn: string, maxResults: number, reverseOrder: boolean) {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    let count = 0;
    do {
      const page = await cluster.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults, reverseOrder, nextToken }));
      expect(page.events!.length).toBeLessThanOrEqual(maxResults);
      events.push(...page.events!);
      nextToken = page.nextToken;
      count++;
    } while (nextToken && count < 100);
    return { events, count };
  }

  test('pages forward and in reverse order with no duplicates or gaps', async () => {
    const sm = await machine(chain, 'hist');
    const { executionArn } = await start(sm.arn, uniqueName('h'), '{"in":1}');
    await waitForEnd(cluster.sfn, executionArn!);
    const forward = await pages(executionArn!, 5, false);
    expect(forward.count).toBe(3);
    expect(forward.events.map((e) => e.id)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(forward.events[0]).toMatchObject({ type: 'ExecutionStarted', previousEventId: 0, executionStartedEventDetails: { input: '{"in":1}', roleArn: ROLE_ARN } });
    expect(forward.events.at(-1)).toMatchObject({ type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: '{"fin":1}' } });
    expect(forward.events[1]).toMatchObject({ type: 'PassStateEntered', stateEnteredEventDetails: { name: 'A' } });
    expect(forward.events[0]!.timestamp).toBeInstanceOf(Date);

    const reverse = await pages(executionArn!, 5, true);
    expect(reverse.events.map((e) => e.id)).toEqual(Array.from({ length: 12 }, (_, i) => 12 - i));
    expect(reverse.events[0]!.type).toBe('ExecutionSucceeded');

    const one = await cluster.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    expect(one.nextToken).toBeUndefined();
    expect(one.events).toHaveLength(12);
  });

  test('pages stay put while a running execution appends events, in both orders', async () => {
    const sm = await machine(waitMachine(1), 'histlive');
    const { executionArn } = await start(sm.arn);
    await untilEvents(executionArn!, 'WaitStateEntered');
    const rev1 = await cluster.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1, reverseOrder: true }));
    const fwd1 = await cluster.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1 }));
    expect(rev1.events!.map((e) => e.id)).toEqual([2]);
    expect(fwd1.events!.map((e) => e.id)).toEqual([1]);
    expect((await waitForEnd(cluster.sfn, executionArn!)).status).toBe('SUCCEEDED'); // history grows to 4 events
    const rev2 = await cluster.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1, reverseOrder: true, nextToken: rev1.nextToken }));
    expect(rev2.events!.map((e) => e.id)).toEqual([1]);
    expect(rev2.nextToken).toBeUndefined();
    const fwd2 = await cluster.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 10, nextToken: fwd1.nextToken }));
    expect(fwd2.events!.map((e) => e.id)).toEqual([2, 3, 4]);
  });

  test('includeExecutionData false leaves out inputs and outputs', async () => {
    const sm = await machine(passMachine({ secret: 1 }), 'nodata');
    const { executionArn } = await start(sm.arn, undefined, '{"secret":0}');
    await waitForEnd(cluster.sfn, executionArn!);
    const h = await cluster.sfn.send(new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false }));
    expect(h.events![0]!.executionStartedEventDetails?.input).toBeUndefined();
    expect(h.events!.at(-1)!.executionSucceededEventDetails?.output).toBeUndefined();
    expect(JSON.stringify(h.events)).not.toContain('secret');
  });

  test('errors: tampered token, token from the other order, unknown execution, InvalidArn', async () => {
    const sm = await machine(chain, 'histerr');
    const { executionArn } = await start(sm.arn);
    await waitForEnd(cluster.sfn, executionArn!);
    const first = await cluster.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 2 }));
    const tampered = tamperToken(first.nextToken!);
    await expectAwsError(cluster.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 2, nextToken: tampered })), 'InvalidToken');
    await expectAwsError(cluster.sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, nextToken: first.nextToken })), 'InvalidToken');
    await expectAwsError(cluster.sfn.send(new GetExecutionHistoryCommand({ executionArn: `${ACCOUNT_SCOPE}:execution:sm:${uniqueName('none')}` })), 'ExecutionDoesNotExist');
    await expectAwsError(cluster.sfn.send(new GetExecutionHistoryCommand({ executionArn: sm.arn })), 'InvalidArn');
    await expectAwsError(cluster.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1001 })), 'ValidationException');
  });
});
