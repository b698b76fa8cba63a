import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListMapRunsCommand,
  RedriveExecutionCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  type ExecutionListItem,
} from '@aws-sdk/client-sfn';
import { describe, expect, test } from 'vitest';
import { clusterFixture } from '../support/cluster.js';
import { ROLE_ARN, uniqueName, waitForEnd } from '../support/sfn.js';
import { ACCOUNT_SCOPE, expectAwsError } from './helpers.js';

const cluster = clusterFixture();

async function start(definition: object, input: unknown) {
  const { sfn } = cluster;
  const name = uniqueName('mapchild');
  const sm = await sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
  const ex = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn, input: JSON.stringify(input) }));
  return { name, smArn: sm.stateMachineArn!, arn: ex.executionArn! };
}

/**
 * Items with `bad: true` fail in their Choice (no rule matches: States.NoChoiceMatched); with
 * `healOnRedrive`, a redriven child (which runs its failed state again) matches.
 */
function machine({ tolerated, healOnRedrive = false, executionType = 'STANDARD' }: { tolerated?: number; healOnRedrive?: boolean; executionType?: string }) {
  const choices: object[] = [{ Variable: '$.bad', BooleanEquals: false, Next: 'Double' }];
  if (healOnRedrive) choices.unshift({ Variable: '$$.Execution.RedriveCount', NumericGreaterThan: 0, Next: 'Double' });
  return {
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Map',
        Label: 'Fan',
        ...(tolerated !== undefined && { ToleratedFailureCount: tolerated }),
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: executionType },
          StartAt: 'Check',
          States: {
            Check: { Type: 'Choice', Choices: choices },
            Double: { Type: 'Pass', Parameters: { 'v.$': 'States.MathAdd($.n, $.n)' }, End: true },
          },
        },
        End: true,
      },
    },
  };
}

async function mapRunOf(arn: string): Promise<string> {
  const { mapRuns } = await cluster.sfn.send(new ListMapRunsCommand({ executionArn: arn }));
  return mapRuns![0]!.mapRunArn!;
}

async function listAll(input: { mapRunArn: string; statusFilter?: 'FAILED' | 'SUCCEEDED' | 'PENDING_REDRIVE'; redriveFilter?: 'REDRIVEN' | 'NOT_REDRIVEN'; maxResults?: number }) {
  const out: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await cluster.sfn.send(new ListExecutionsCommand({ ...input, ...(nextToken && { nextToken }) }));
    out.push(...page.executions!);
    nextToken = page.nextToken;
    pages++;
  } while (nextToken);
  return { items: out, pages };
}

const items = [1, 2, 3, 4, 5].map((n) => ({ n, bad: n === 4 }));

describe('Distributed Map children are executions', () => {
  test('children are listed, described and have a history; a tolerated failure shows as a FAILED child', async () => {
    const { sfn } = cluster;
    const { name, smArn, arn } = await start(machine({ tolerated: 1 }), items);
    const done = await waitForEnd(sfn, arn);
    expect(done.status).toBe('SUCCEEDED');
    const mapRunArn = await mapRunOf(arn);

    const { items: children, pages } = await listAll({ mapRunArn, maxResults: 2 });
    expect(pages).toBe(3);
    expect(children).toHaveLength(5);
    const childMachine = `${ACCOUNT_SCOPE}:stateMachine:${name}/Fan`;
    for (const c of children) {
      expect(c.executionArn).toMatch(new RegExp(`^${ACCOUNT_SCOPE}:execution:${name}/Fan:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`));
      expect(c).toMatchObject({ stateMachineArn: childMachine, mapRunArn, itemCount: 1, redriveCount: 0 });
      expect(c.executionArn!.endsWith(`:${c.name}`)).toBe(true);
      expect(c.startDate).toBeInstanceOf(Date);
      expect(c.stopDate).toBeInstanceOf(Date);
    }
    expect(new Set(children.map((c) => c.executionArn)).size).toBe(5);
    expect(children.map((c) => c.status).sort()).toEqual(['FAILED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);

    const failed = await listAll({ mapRunArn, statusFilter: 'FAILED' });
    expect(failed.items).toHaveLength(1);
    expect((await listAll({ mapRunArn, statusFilter: 'SUCCEEDED' })).items).toHaveLength(4);
    expect((await listAll({ mapRunArn, redriveFilter: 'REDRIVEN' })).items).toHaveLength(0);

    // The parent's machine lists the parent alone.
    const parentList = await sfn.send(new ListExecutionsCommand({ stateMachineArn: smArn }));
    expect(parentList.executions!.map((e) => e.executionArn)).toEqual([arn]);

    const bad = await sfn.send(new DescribeExecutionCommand({ executionArn: failed.items[0]!.executionArn }));
    expect(bad).toMatchObject({ status: 'FAILED', error: 'States.NoChoiceMatched', mapRunArn, stateMachineArn: childMachine, redriveCount: 0 });
    expect(bad.cause).toBeTruthy();
    expect(JSON.parse(bad.input!)).toEqual({ n: 4, bad: true });

    const good = children.find((c) => c.status === 'SUCCEEDED')!;
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: good.executionArn }));
    expect(described).toMatchObject({ status: 'SUCCEEDED', mapRunArn, name: good.name, redriveStatus: 'NOT_REDRIVABLE' });
    const input = JSON.parse(described.input!) as { n: number };
    expect(JSON.parse(described.output!)).toEqual({ v: input.n * 2 });

    const events = (await sfn.send(new GetExecutionHistoryCommand({ executionArn: good.executionArn }))).events!;
    // A child's own history: every state it ran, numbered from its own start.
    expect(events.map((e) => [e.id, e.previousEventId, e.type])).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 0, 'ChoiceStateEntered'],
      [3, 2, 'ChoiceStateExited'],
      [4, 3, 'PassStateEntered'],
      [5, 4, 'PassStateExited'],
      [6, 5, 'ExecutionSucceeded'],
    ]);
    expect(events[0]!.executionStartedEventDetails).toMatchObject({ roleArn: ROLE_ARN });
    expect(events[1]!.stateEnteredEventDetails).toEqual({ name: 'Check', input: described.input, inputDetails: { truncated: false } });
    expect(JSON.parse(events[4]!.stateExitedEventDetails!.output!)).toEqual({ v: input.n * 2 });
    expect(JSON.parse(events[5]!.executionSucceededEventDetails!.output!)).toEqual({ v: input.n * 2 });
    const badEvents = (await sfn.send(new GetExecutionHistoryCommand({ executionArn: bad.executionArn, reverseOrder: true }))).events!;
    expect(badEvents.map((e) => e.type)).toEqual(['ExecutionFailed', 'ChoiceStateEntered', 'ExecutionStarted']);
    expect(badEvents[0]!.executionFailedEventDetails).toEqual({ error: 'States.NoChoiceMatched', cause: bad.cause });
    // Pages of a child's history, and without its data.
    const paged = await sfn.send(new GetExecutionHistoryCommand({ executionArn: good.executionArn, maxResults: 4, includeExecutionData: false }));
    expect(paged.events!.map((e) => e.id)).toEqual([1, 2, 3, 4]);
    expect(paged.events![1]!.stateEnteredEventDetails).not.toHaveProperty('input');
    const rest = await sfn.send(new GetExecutionHistoryCommand({ executionArn: good.executionArn, maxResults: 4, nextToken: paged.nextToken }));
    expect(rest.events!.map((e) => e.id)).toEqual([5, 6]);
    // The parent's own history has its map run, not its children's states.
    const parentTypes = (await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }))).events!.map((e) => e.type);
    expect(parentTypes).toContain('MapRunStarted');
    expect(parentTypes).not.toContain('ChoiceStateEntered');

    const forChild = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: good.executionArn }));
    expect(forChild).toMatchObject({ stateMachineArn: childMachine, name: `${name}/Fan`, mapRunArn, label: 'Fan', roleArn: ROLE_ARN });
    expect(JSON.parse(forChild.definition!)).toMatchObject({ StartAt: 'Check' });
    const forParent = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: arn }));
    expect(forParent.mapRunArn).toBeUndefined();
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).mapRunArn).toBeUndefined();
  });

  test('a step that ends more than a thousand children keeps every record; the listing pages through them all', async () => {
    const { sfn } = cluster;
    const many = Array.from({ length: 2_500 }, (_, n) => ({ n, bad: false }));
    const { arn } = await start(machine({}), many);
    expect((await waitForEnd(sfn, arn, 60_000)).status).toBe('SUCCEEDED');
    const mapRunArn = await mapRunOf(arn);
    const { items: listed, pages } = await listAll({ mapRunArn, statusFilter: 'SUCCEEDED', maxResults: 1000 });
    expect(pages).toBe(3);
    expect(listed).toHaveLength(2_500);
    // Newest first: the highest index first.
    const first = await sfn.send(new DescribeExecutionCommand({ executionArn: listed[0]!.executionArn }));
    expect(JSON.parse(first.input!)).toEqual({ n: 2_499, bad: false });
  });

  test('AWS errors: unknown children and map runs, both ARNs at once, PENDING_REDRIVE without a map run', async () => {
    const { sfn } = cluster;
    const { name, smArn, arn } = await start(machine({}), [{ n: 1, bad: false }]);
    await waitForEnd(sfn, arn);
    const mapRunArn = await mapRunOf(arn);
    await expectAwsError(sfn.send(new DescribeExecutionCommand({ executionArn: `${ACCOUNT_SCOPE}:execution:${name}/Fan:00000000-0000-4000-8000-000000000000` })), 'ExecutionDoesNotExist');
    await expectAwsError(sfn.send(new ListExecutionsCommand({ mapRunArn: `${ACCOUNT_SCOPE}:mapRun:${name}/Fan:00000000-0000-4000-8000-000000000000` })), 'ResourceNotFound');
    await expectAwsError(sfn.send(new ListExecutionsCommand({ mapRunArn, stateMachineArn: smArn })), 'ValidationException');
    await expectAwsError(sfn.send(new ListExecutionsCommand({ stateMachineArn: smArn, statusFilter: 'PENDING_REDRIVE' })), 'ValidationException');
  });

  test('EXPRESS children keep no record: the map run lists none', async () => {
    const { sfn } = cluster;
    const { arn } = await start(machine({ executionType: 'EXPRESS' }), [{ n: 1, bad: false }, { n: 2, bad: false }]);
    expect((await waitForEnd(sfn, arn)).status).toBe('SUCCEEDED');
    const mapRunArn = await mapRunOf(arn);
    expect((await sfn.send(new DescribeMapRunCommand({ mapRunArn }))).executionCounts).toMatchObject({ succeeded: 2 });
    expect((await listAll({ mapRunArn })).items).toEqual([]);
  });

  test('redriving the parent redrives the map run: its failed children run again and count the redrive', async () => {
    const { sfn } = cluster;
    const { arn } = await start(machine({ healOnRedrive: true }), items);
    const failed = await waitForEnd(sfn, arn);
    expect(failed.status).toBe('FAILED');
    const mapRunArn = await mapRunOf(arn);
    const before = await listAll({ mapRunArn, statusFilter: 'FAILED' });
    expect(before.items).toHaveLength(1);
    const badArn = before.items[0]!.executionArn!;
    const firstStart = before.items[0]!.startDate!;
    // PENDING_REDRIVE is a redriven map run's children not yet run again: none before the redrive.
    expect((await listAll({ mapRunArn, statusFilter: 'PENDING_REDRIVE' })).items).toEqual([]);

    await sfn.send(new RedriveExecutionCommand({ executionArn: arn }));
    const done = await waitForEnd(sfn, arn);
    expect(done.status).toBe('SUCCEEDED');
    expect((await sfn.send(new DescribeMapRunCommand({ mapRunArn }))).redriveCount).toBe(1);

    const redriven = await listAll({ mapRunArn, redriveFilter: 'REDRIVEN' });
    expect(redriven.items.map((c) => c.executionArn)).toContain(badArn);
    const child = await sfn.send(new DescribeExecutionCommand({ executionArn: badArn }));
    expect(child).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1, mapRunArn });
    expect(child.redriveDate).toBeInstanceOf(Date);
    // A redriven child keeps its first start.
    expect(child.startDate!.getTime()).toBe(firstStart.getTime());
    expect(JSON.parse(child.output!)).toEqual({ v: 8 });
    const events = (await sfn.send(new GetExecutionHistoryCommand({ executionArn: badArn }))).events!;
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'ChoiceStateEntered',
      'ExecutionFailed',
      'ExecutionRedriven',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await listAll({ mapRunArn, statusFilter: 'FAILED' })).items).toEqual([]);
    expect((await listAll({ mapRunArn, statusFilter: 'PENDING_REDRIVE' })).items).toEqual([]);
  });

  test('StopExecution of a running child aborts it alone; the map run counts it and tolerates it; it is redriven only through its parent', async () => {
    const { sfn } = cluster;
    const definition = {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          ToleratedFailureCount: 1,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Hold',
            States: { Hold: { Type: 'Wait', SecondsPath: '$.w', Next: 'Done' }, Done: { Type: 'Pass', End: true } },
          },
          End: true,
        },
      },
    };
    const { arn } = await start(definition, [{ w: 600 }, { w: 1 }, { w: 1 }]);
    let mapRunArn: string | undefined;
    let held: ExecutionListItem | undefined;
    for (const until = Date.now() + 60_000; Date.now() < until && !held; ) {
      const { mapRuns } = await sfn.send(new ListMapRunsCommand({ executionArn: arn }));
      mapRunArn = mapRuns?.[0]?.mapRunArn;
      if (mapRunArn) held = (await listAll({ mapRunArn })).items.find((c) => c.status === 'RUNNING' && c.name && c.executionArn);
      if (!held) await new Promise((r) => setTimeout(r, 50));
    }
    // Find the child that waits ten minutes: its input says so.
    const running = (await listAll({ mapRunArn: mapRunArn! })).items;
    const inputs = await Promise.all(running.map(async (c) => [c.executionArn!, JSON.parse((await sfn.send(new DescribeExecutionCommand({ executionArn: c.executionArn }))).input!).w] as const));
    const longArn = inputs.find(([, w]) => w === 600)![0];

    const stopped = await sfn.send(new StopExecutionCommand({ executionArn: longArn, error: 'Operator', cause: 'not needed' }));
    expect(stopped.stopDate).toBeInstanceOf(Date);
    // The answer waits a few seconds for the worker to record the abort; a loaded machine may take longer.
    let child = await sfn.send(new DescribeExecutionCommand({ executionArn: longArn }));
    for (const until = Date.now() + 60_000; child.status === 'RUNNING' && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 50));
      child = await sfn.send(new DescribeExecutionCommand({ executionArn: longArn }));
    }
    expect(child).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'not needed', mapRunArn });
    const events = (await sfn.send(new GetExecutionHistoryCommand({ executionArn: longArn }))).events!;
    expect(events.map((e) => e.type)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionAborted']);
    expect(events[2]).toMatchObject({ previousEventId: 0, executionAbortedEventDetails: { error: 'Operator', cause: 'not needed' } });
    // Stopping it again answers with when it stopped.
    const again = await sfn.send(new StopExecutionCommand({ executionArn: longArn }));
    expect(again.stopDate!.getTime()).toBe(child.stopDate!.getTime());

    // The other children go on; one aborted child is within the tolerance.
    expect((await waitForEnd(sfn, arn)).status).toBe('SUCCEEDED');
    const counts = (await sfn.send(new DescribeMapRunCommand({ mapRunArn }))).executionCounts!;
    expect(counts).toMatchObject({ aborted: 1, succeeded: 2, failed: 0, running: 0, total: 3 });
    const err = await expectAwsError(sfn.send(new RedriveExecutionCommand({ executionArn: longArn })), 'ExecutionNotRedrivable');
    expect(err.message).toContain(arn);
  });

  test("a child running when its parent is stopped shows ABORTED; a redrive of the parent records that abort in the child's history, then runs it again", async () => {
    const { sfn } = cluster;
    const definition = {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 600, End: true } } },
          End: true,
        },
      },
    };
    const { arn } = await start(definition, [1]);
    let childArn: string | undefined;
    for (const until = Date.now() + 60_000; Date.now() < until && !childArn; ) {
      const { mapRuns } = await sfn.send(new ListMapRunsCommand({ executionArn: arn }));
      if (mapRuns?.[0]) childArn = (await listAll({ mapRunArn: mapRuns[0].mapRunArn! })).items[0]?.executionArn;
      if (!childArn) await new Promise((r) => setTimeout(r, 50));
    }
    const { stopDate } = await sfn.send(new StopExecutionCommand({ executionArn: arn }));
    const aborted = await sfn.send(new DescribeExecutionCommand({ executionArn: childArn }));
    expect(aborted).toMatchObject({ status: 'ABORTED', stopDate });
    expect((await sfn.send(new GetExecutionHistoryCommand({ executionArn: childArn }))).events!.map((e) => e.type)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionAborted']);

    await sfn.send(new RedriveExecutionCommand({ executionArn: arn }));
    let types: string[] = [];
    for (const until = Date.now() + 60_000; Date.now() < until && !types.includes('ExecutionRedriven'); ) {
      types = (await sfn.send(new GetExecutionHistoryCommand({ executionArn: childArn }))).events!.map((e) => e.type!);
      if (!types.includes('ExecutionRedriven')) await new Promise((r) => setTimeout(r, 50));
    }
    const events = (await sfn.send(new GetExecutionHistoryCommand({ executionArn: childArn }))).events!;
    expect(events.map((e) => [e.id, e.type])).toEqual([
      [1, 'ExecutionStarted'],
      [2, 'WaitStateEntered'],
      [3, 'ExecutionAborted'],
      [4, 'ExecutionRedriven'],
      [5, 'WaitStateEntered'],
    ]);
    expect(events[2]!.timestamp!.getTime()).toBe(stopDate!.getTime());
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: childArn }))).status).toBe('RUNNING');
    await sfn.send(new StopExecutionCommand({ executionArn: arn }));
  });
});
