import { describe, expect, it } from 'vitest';
import type { StateMachineDefinition } from '../asl/types.js';
import { testExecution } from './execution.test-support.js';
import {
  childExecutionArn,
  childStateMachineArn,
  encodeChild,
  mapRunChildName,
  mapRunLabelOf,
  parseMapRunChildName,
  viewChild,
  type MapRunChild,
} from './map-children.js';
import { childHistory, decodeChildEvents, encodeChildEvents } from './map-child-history.js';
import { redriveCursor } from './redrive.js';
import { step } from './step.js';
import type { Cursor, HistoryEvent, MapRunUpdate, Wake } from './types.js';

const RUN = 'arn:aws:states:us-east-1:123456789012:mapRun:orders/Fan:0a1b2c3d-4e5f-4a6b-8c7d-9e8f7a6b5c4d';

describe('map run children: names and ARNs', () => {
  it('names are UUID-shaped, distinct, and read back to their map run prefix and index', () => {
    const names = [0, 1, 2, 9_999, 2 ** 40].map((i) => mapRunChildName(RUN, i));
    expect(new Set(names).size).toBe(names.length);
    for (const [k, i] of [0, 1, 2, 9_999, 2 ** 40].entries()) {
      expect(names[k]).toMatch(/^0a1b2c3d-4e5f-4a6b-8c7d-[0-9a-f]{12}$/);
      expect(parseMapRunChildName(names[k]!)).toEqual({ prefix: '0a1b2c3d-4e5f-4a6b-8c7d', index: i });
    }
    expect(parseMapRunChildName('not-a-child')).toBeUndefined();
  });

  it('child ARNs carry the machine and the map run label; the child machine is `<machine>/<label>`', () => {
    expect(childExecutionArn(RUN, 3)).toBe(`arn:aws:states:us-east-1:123456789012:execution:orders/Fan:${mapRunChildName(RUN, 3)}`);
    expect(childStateMachineArn(RUN)).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:orders/Fan');
    expect(mapRunLabelOf(RUN)).toBe('Fan');
  });
});

describe('map run children: records and views', () => {
  const child: MapRunChild = { mapRunArn: RUN, index: 0, status: 'RUNNING', start: 1000, input: { n: 1 }, redriveCount: 0 };

  it('a record keeps only what is set, with values as JSON (not text)', () => {
    expect(encodeChild(child, 900)).toEqual({ s: 'R', a: 100, i: { n: 1 } });
    // A child that stopped when it started keeps one time.
    expect(encodeChild({ ...child, status: 'SUCCEEDED', stop: 1000, output: 2 }, 900)).toEqual({ s: 'S', a: 100, i: { n: 1 }, o: 2 });
    expect(encodeChild({ ...child, status: 'FAILED', stop: 2000, error: 'E', cause: 'C', redriveCount: 1, redriveDate: 1500, items: 3 }, 0)).toEqual({
      s: 'F',
      a: 1000,
      z: 2000,
      i: { n: 1 },
      e: 'E',
      c: 'C',
      r: 1,
      d: 1500,
      n: 3,
    });
  });

  it('a running child of a closed parent shows ABORTED at the parent stop', () => {
    const stored = encodeChild(child, 900);
    expect(viewChild(stored, { status: 'RUNNING', startDate: 900 })).toMatchObject({ status: 'RUNNING', start: 1000, itemCount: 1, input: '{"n":1}' });
    expect(viewChild(stored, { status: 'ABORTED', startDate: 900, stopDate: 5000 })).toMatchObject({ status: 'ABORTED', stop: 5000 });
  });

  it('a child recorded before histories were kept shows a summary: started, redriven, and how it ended', () => {
    const view = viewChild(encodeChild({ ...child, status: 'SUCCEEDED', stop: 3000, output: { v: 2 }, redriveCount: 1, redriveDate: 2000 }, 500), {
      status: 'SUCCEEDED',
      startDate: 500,
    });
    const events = childHistory(view, undefined, { roleArn: 'arn:aws:iam::123456789012:role/r' });
    expect(events.map((e) => [e.id, e.previousEventId, e.type, e.timestamp])).toEqual([
      [1, 0, 'ExecutionStarted', 1000],
      [2, 1, 'ExecutionRedriven', 2000],
      [3, 2, 'ExecutionSucceeded', 3000],
    ]);
    expect(events[2]!.executionSucceededEventDetails).toEqual({ output: '{"v":2}', outputDetails: { truncated: false } });
  });
});

describe('map run children: stored histories', () => {
  const events: HistoryEvent[] = [
    { id: 2, previousEventId: 0, timestamp: 1000, type: 'PassStateEntered', stateEnteredEventDetails: { name: 'P', input: '{"n":1}', inputDetails: { truncated: false } } },
    { id: 3, previousEventId: 2, timestamp: 1000, type: 'PassStateExited', stateExitedEventDetails: { name: 'P', output: '{"n":1}', outputDetails: { truncated: false } } },
    { id: 4, previousEventId: 3, timestamp: 1000, type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'T', input: '{"n":1}', inputDetails: { truncated: true } } },
    { id: 5, previousEventId: 4, timestamp: 1001, type: 'MapRunSucceeded' },
    { id: 6, previousEventId: 5, timestamp: 1002, type: 'Odd', other: { x: 1 } },
  ];

  it('round-trips, leaving out what can be told (ids, payloads equal to the one before, untruncated details)', () => {
    const line = encodeChildEvents(events, 900, { n: 1 });
    expect(JSON.parse(line).slice(0, 3)).toEqual([
      [100, 'Pass>', 'P', 0],
      [100, 'Pass<', 'P'],
      [100, 'Task>', { name: 'T', input: 0, inputDetails: { truncated: true } }],
    ]);
    expect(decodeChildEvents(line, 900, { n: 1 })).toEqual(events);
  });

  it('a later line starts from no payload; ids go on across lines', () => {
    const later: HistoryEvent[] = [{ id: 7, previousEventId: 6, timestamp: 1500, type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: '{"n":1}', outputDetails: { truncated: false } } }];
    const stored = `${encodeChildEvents(events, 900, { n: 1 })}\n${encodeChildEvents(later, 900, { n: 1 })}`;
    expect(decodeChildEvents(stored, 900, { n: 1 })).toEqual([...events, ...later]);
  });

  it('the history: ExecutionStarted from the record, then the stored events; an abort of the parent ends a running child', () => {
    const child: MapRunChild = { mapRunArn: RUN, index: 0, status: 'RUNNING', start: 1000, input: { n: 1 }, redriveCount: 0 };
    const view = viewChild(encodeChild(child, 900), { status: 'ABORTED', startDate: 900, stopDate: 4000 });
    const history = childHistory(view, encodeChildEvents(events.slice(0, 2), 1000, child.input), { roleArn: 'r' });
    expect(history.map((e) => [e.id, e.previousEventId, e.type, e.timestamp])).toEqual([
      [1, 0, 'ExecutionStarted', 1000],
      [2, 0, 'PassStateEntered', 1000],
      [3, 2, 'PassStateExited', 1000],
      [4, 0, 'ExecutionAborted', 4000],
    ]);
  });
});

const distributed = (executionType: 'STANDARD' | 'EXPRESS', waits = false): StateMachineDefinition => ({
  StartAt: 'M',
  States: {
    M: {
      Type: 'Map',
      ToleratedFailureCount: 5,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: executionType },
        StartAt: 'C',
        States: {
          C: { Type: 'Choice', Choices: [{ Variable: '$', NumericLessThan: 3, Next: waits ? 'W' : 'P' }] },
          W: { Type: 'Wait', Seconds: 1, Next: 'P' },
          P: { Type: 'Pass', End: true },
        },
      },
      End: true,
    },
  },
});

async function run(definition: StateMachineDefinition, input: unknown, wake: Wake = { kind: 'start' }, cursor?: Cursor, now = 1000) {
  const children: MapRunChild[] = [];
  const base = { definition, execution: testExecution(input), lastEventId: 1, wake, now };
  const result = await step(cursor ? { ...base, cursor } : base, { newToken: () => 't', onMapRunChild: (c) => children.push(c) });
  return { result, children };
}

describe('map run children: what the interpreter reports', () => {
  it('STANDARD children report how they end, once each; EXPRESS ones report nothing', async () => {
    const { result, children } = await run(distributed('STANDARD'), [1, 2, 3, 4]);
    expect(result.closing?.status).toBe('SUCCEEDED');
    expect(children.map((c) => [c.index, c.status, c.start, c.stop])).toEqual([
      [0, 'SUCCEEDED', 1000, 1000],
      [1, 'SUCCEEDED', 1000, 1000],
      [2, 'FAILED', 1000, 1000],
      [3, 'FAILED', 1000, 1000],
    ]);
    expect(children[2]).toMatchObject({ error: 'States.NoChoiceMatched', input: 3 });
    expect(children[0]).toMatchObject({ output: 1, input: 1 });
    expect((await run(distributed('EXPRESS'), [1, 2, 3])).children).toEqual([]);
  });

  it('a child that waits reports RUNNING, then ends with its first start; a redriven one counts the redrive', async () => {
    const def = distributed('STANDARD', true);
    const first = await run(def, [1, 5]);
    expect(first.children.map((c) => [c.index, c.status])).toEqual([
      [0, 'RUNNING'],
      [1, 'FAILED'],
    ]);
    const second = await run(def, [1, 5], { kind: 'timer', path: [0] }, first.result.cursor, 2000);
    expect(second.children.map((c) => [c.index, c.status, c.start, c.stop])).toEqual([[0, 'SUCCEEDED', 1000, 2000]]);
    // The Map tolerates the failure: a failed Map would be redriven; make one fail instead.
    const strict: StateMachineDefinition = { ...def, States: { M: { ...def.States.M!, ToleratedFailureCount: 0 } as never } };
    const failed = await run(strict, [5]);
    expect(failed.result.closing?.status).toBe('FAILED');
    const redriven = await run(strict, [5], { kind: 'start' }, redriveCursor(failed.result.failedCursor!), 3000);
    expect(redriven.children).toEqual([expect.objectContaining({ index: 0, status: 'FAILED', start: 1000, stop: 3000, redriveCount: 1, redriveDate: 3000 })]);
  });

  it("each child's events form its own history across steps and a redrive, apart from the parent's", async () => {
    const def = distributed('STANDARD', true);
    const strict: StateMachineDefinition = { ...def, States: { M: { ...def.States.M!, ToleratedFailureCount: 0 } as never } };
    const first = await run(strict, [1]);
    const second = await run(strict, [1], { kind: 'timer', path: [0] }, first.result.cursor, 2000);
    const typesOf = (c: MapRunChild) => (c.events ?? []).map((e) => `${e.id}:${e.type}`);
    expect(first.children.map(typesOf)).toEqual([['2:ChoiceStateEntered', '3:ChoiceStateExited', '4:WaitStateEntered']]);
    expect(second.children.map(typesOf)).toEqual([['5:WaitStateExited', '6:PassStateEntered', '7:PassStateExited', '8:ExecutionSucceeded']]);
    expect(first.result.events.map((e) => e.type)).not.toContain('ChoiceStateEntered');
    // A failed child, redriven with its parent: ExecutionFailed, then ExecutionRedriven and the states it runs again.
    const failed = await run(strict, [5]);
    expect(failed.children.map(typesOf)).toEqual([['2:ChoiceStateEntered', '3:ExecutionFailed']]);
    const redriven = await run(strict, [5], { kind: 'start' }, redriveCursor(failed.result.failedCursor!), 3000);
    expect(redriven.children.map(typesOf)).toEqual([['4:ExecutionRedriven', '5:ChoiceStateEntered', '6:ExecutionFailed']]);
  });

  it("a child running when its parent stopped records the abort, at the parent's stop, once the parent is redriven", async () => {
    const def = distributed('STANDARD', true);
    const first = await run(def, [1]);
    // The parent was stopped at 1800 (its cursor kept as it stood), then redriven at 3000.
    const redriven = await run(def, [1], { kind: 'start' }, redriveCursor(first.result.cursor!, 1800), 3000);
    const events = redriven.children[0]!.events!;
    expect(events.slice(0, 3).map((e) => [e.id, e.previousEventId, e.type, e.timestamp])).toEqual([
      [5, 0, 'ExecutionAborted', 1800],
      [6, 5, 'ExecutionRedriven', 3000],
      [7, 6, 'WaitStateEntered', 3000],
    ]);
    // A child whose own history ended (failed) records no second end.
    const strict: StateMachineDefinition = { ...def, States: { M: { ...def.States.M!, ToleratedFailureCount: 0 } as never } };
    const failed = await run(strict, [5]);
    const again = await run(strict, [5], { kind: 'start' }, redriveCursor(failed.result.failedCursor!, 1500), 3000);
    expect(again.children[0]!.events!.map((e) => e.type).slice(0, 2)).toEqual(['ExecutionRedriven', 'ChoiceStateEntered']);
  });

  it("a ResultWriter's records carry each child's own start and stop", async () => {
    const def = distributed('STANDARD', true);
    const writer: StateMachineDefinition = { ...def, States: { M: { ...def.States.M!, MaxConcurrency: 1, ResultWriter: { WriterConfig: { Transformation: 'NONE' } } } as never } };
    const first = await run(writer, [1, 5], { kind: 'start' }, undefined, 1000);
    const second = await run(writer, [1, 5], { kind: 'timer', path: [0] }, first.result.cursor, 4000);
    const records = JSON.parse(second.result.closing!.output!) as { StartDate: string; StopDate: string; Input: string }[];
    const iso = (ms: number) => new Date(ms).toISOString();
    // One at a time: item 1 waited a step; item 5 then started and ended (failed, tolerated) at once.
    expect(records.map((r) => [r.Input, r.StartDate, r.StopDate])).toEqual([
      ['1', iso(1000), iso(4000)],
      ['5', iso(4000), iso(4000)],
    ]);
  });

  it('a stopped child ends ABORTED with its own ExecutionAborted; beyond the tolerance it fails the Map, aborting the rest', async () => {
    const def = distributed('STANDARD', true);
    const strict: StateMachineDefinition = { ...def, States: { M: { ...def.States.M!, ToleratedFailureCount: 0 } as never } };
    const first = await run(strict, [1, 2]);
    const stop: Wake = { kind: 'childStopped', error: 'Operator', cause: 'why', path: [0] };
    const stopped = await run(strict, [1, 2], stop, first.result.cursor, 1500);
    expect(stopped.children.map((c) => [c.index, c.status, c.error, c.events?.map((e) => [e.type, e.previousEventId])])).toEqual([
      [0, 'ABORTED', 'Operator', [['ExecutionAborted', 0]]],
      [1, 'ABORTED', undefined, [['ExecutionAborted', 0]]],
    ]);
    expect(stopped.result.closing).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
    // Within the tolerance the Map goes on; a ResultWriter shows the stopped child as ABORTED.
    const def5 = distributed('STANDARD', true);
    const tolerant: StateMachineDefinition = { ...def5, States: { M: { ...def5.States.M!, ResultWriter: { WriterConfig: { Transformation: 'NONE' } } } as never } };
    const waiting = await run(tolerant, [1, 5]);
    const ended = await run(tolerant, [1, 5], stop, waiting.result.cursor, 1500);
    expect((JSON.parse(ended.result.closing!.output!) as { Status: string }[]).map((r) => r.Status)).toEqual(['ABORTED', 'FAILED']);
    // A stop that finds no such child running does nothing.
    const stale = await run(strict, [1, 2], { ...stop, path: [5] }, first.result.cursor, 1500);
    expect(stale.children).toEqual([]);
    expect(stale.result.cursor?.fanout).toMatchObject({ failed: 0, done: 0 });
  });

  it('an EXPRESS child that waits past five minutes times out: the Map wakes at its deadline and counts it', async () => {
    const def = distributed('EXPRESS', true);
    const slow: StateMachineDefinition = JSON.parse(JSON.stringify(def).replace('"Seconds":1', '"Seconds":600'));
    const updates: MapRunUpdate[] = [];
    const step1 = await step(
      { definition: slow, execution: testExecution([1]), lastEventId: 1, wake: { kind: 'start' }, now: 1000 },
      { newToken: () => 't', onMapRun: (u) => updates.push(u) },
    );
    // The Map waits for its child's Wait (10 minutes) and for the child's deadline (5 minutes).
    expect(step1.suspensions.map((s) => [s.path, s.suspension])).toEqual([
      [[0], { kind: 'timer', at: 601_000 }],
      [[], { kind: 'timer', at: 301_000 }],
    ]);
    const deadline = step1.suspensions[1]!;
    const early = await step(
      { definition: slow, execution: testExecution([1]), lastEventId: 1 + step1.events.length, cursor: step1.cursor!, wake: { kind: 'timer', path: [] }, now: 200_000 },
      { newToken: () => 't' },
    );
    expect(early.cursor?.fanout).toMatchObject({ failed: 0 });
    const late = await step(
      { definition: slow, execution: testExecution([1]), lastEventId: 1 + step1.events.length, cursor: { ...step1.cursor!, wake: deadline.wake }, wake: { kind: 'timer', path: [] }, now: 301_000 },
      { newToken: () => 't', onMapRun: (u) => updates.push(u) },
    );
    // Tolerated (up to 5 failures): the Map succeeds, its run counting one child timed out.
    expect(late.closing?.status).toBe('SUCCEEDED');
    expect(updates.at(-1)?.counts).toMatchObject({ timedOut: 1, failed: 0, succeeded: 0, total: 1 });
  });

  it('a child sees itself in the context object', async () => {
    const def: StateMachineDefinition = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'P',
            States: { P: { Type: 'Pass', Parameters: { 'id.$': '$$.Execution.Id', 'input.$': '$$.Execution.Input', 'machine.$': '$$.StateMachine.Id' }, End: true } },
          },
          End: true,
        },
      },
    };
    const { result, children } = await run(def, [7]);
    const arn = childExecutionArn(children[0]!.mapRunArn, 0);
    expect(JSON.parse(result.closing!.output!)).toEqual([{ id: arn, input: 7, machine: childStateMachineArn(children[0]!.mapRunArn) }]);
  });
});
