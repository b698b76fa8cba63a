import { describe, expect, it } from 'vitest';
import type { StateMachineDefinition } from '../asl/types.js';
import { redriveCursor } from './redrive.js';
import { step } from './step.js';
import type { Cursor, ExecutionInfo, MapRunUpdate, StepResult, Wake } from './types.js';
import { testExecution } from './execution.test-support.js';

const execution = (input: unknown, redriveCount: number): ExecutionInfo => testExecution(input, { redriveCount });

function advance(definition: StateMachineDefinition, input: unknown, wake: Wake, cursor?: Cursor, redriveCount = 0, onMapRun?: (u: MapRunUpdate) => void): Promise<StepResult> {
  const base = { definition, execution: execution(input, redriveCount), lastEventId: 10, wake, now: 1000 };
  const options = onMapRun ? { newToken: () => 't', onMapRun } : { newToken: () => 't' };
  return step(cursor ? { ...base, cursor } : base, options);
}

/** Odd items fail at the Choice (no rule matches) until the execution is redriven. */
const flaky = {
  StartAt: 'C',
  States: {
    C: {
      Type: 'Choice',
      Choices: [
        { Variable: '$$.Execution.RedriveCount', NumericGreaterThan: 0, Next: 'Ok' },
        { Variable: '$.odd', BooleanEquals: false, Next: 'Ok' },
      ],
    },
    Ok: { Type: 'Pass', Parameters: { 'n.$': '$.n', 'attempt.$': '$$.Execution.RedriveCount' }, End: true },
  },
};

const items = [2, 1, 3, 4].map((n) => ({ n, odd: n % 2 === 1 }));

describe('redrive', () => {
  it('a FAILED close keeps the failing frames; a redrive re-runs only the failed Map iterations', async () => {
    const definition: StateMachineDefinition = { StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: flaky, End: true } } } as StateMachineDefinition;
    const first = await advance(definition, items, { kind: 'start' });
    expect(first.closing?.status).toBe('FAILED');
    expect(first.failedCursor?.state).toBe('M');
    const again = redriveCursor(first.failedCursor!);
    expect(Object.keys(again.fanout!.redo!)).toEqual(['1']);
    const second = await advance(definition, items, { kind: 'continue' }, again, 1);
    expect(second.closing?.status).toBe('SUCCEEDED');
    const out = JSON.parse(second.closing!.output!) as { n: number; attempt: number }[];
    expect(out.map((o) => o.n)).toEqual([2, 1, 3, 4]);
    // Item 2 had succeeded and keeps its result; item 1 failed and is redriven; the rest had not started.
    expect(out.map((o) => o.attempt)).toEqual([0, 1, 1, 1]);
    expect(second.events.filter((e) => e.type === 'MapStateEntered')).toHaveLength(0);
    expect(second.events.some((e) => e.type === 'MapIterationStarted' && (e.mapIterationStartedEventDetails as { index: number }).index === 0)).toBe(false);
  });

  it('a Parallel re-runs only its failed branch', async () => {
    const definition = {
      StartAt: 'P',
      States: { P: { Type: 'Parallel', Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', Result: 'a', End: true } } }, flaky], End: true } },
    } as StateMachineDefinition;
    const first = await advance(definition, { n: 7, odd: true }, { kind: 'start' });
    expect(first.closing?.error).toBe('States.NoChoiceMatched');
    const second = await advance(definition, { n: 7, odd: true }, { kind: 'continue' }, redriveCursor(first.failedCursor!), 1);
    expect(JSON.parse(second.closing!.output!)).toEqual(['a', { n: 7, attempt: 1 }]);
    expect(second.events.filter((e) => e.type === 'PassStateEntered').map((e) => (e.stateEnteredEventDetails as { name: string }).name)).toEqual(['Ok']);
  });

  it('a failed top-level state is entered again', async () => {
    const first = await advance(flaky as StateMachineDefinition, { n: 1, odd: true }, { kind: 'start' });
    expect(first.failedCursor?.state).toBe('C');
    const second = await advance(flaky as StateMachineDefinition, { n: 1, odd: true }, { kind: 'continue' }, redriveCursor(first.failedCursor!), 1);
    expect(second.events[0]!.type).toBe('ChoiceStateEntered');
    expect(JSON.parse(second.closing!.output!)).toEqual({ n: 1, attempt: 1 });
  });

  it('a distributed Map reports its map run and records MapRunRedriven on redrive', async () => {
    const definition = {
      StartAt: 'M',
      States: { M: { Type: 'Map', ItemProcessor: { ...flaky, ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } }, ToleratedFailureCount: 5, End: true } },
    } as StateMachineDefinition;
    const updates: MapRunUpdate[] = [];
    const first = await advance(definition, items, { kind: 'start' }, undefined, 0, (u) => updates.push(u));
    expect(first.closing?.status).toBe('SUCCEEDED');
    expect(updates.map((u) => u.kind)).toEqual(['started', 'closed']);
    expect(updates[1]!.counts).toMatchObject({ total: 4, succeeded: 2, failed: 2, pending: 0, running: 0 });
    expect(updates[0]!.arn).toMatch(/^arn:aws:states:us-east-1:123456789012:mapRun:m\/M:[0-9a-f-]{36}$/);
  });

  it('ItemBatcher groups items into batches with BatchInput', async () => {
    const definition = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
          ItemBatcher: { MaxItemsPerBatch: 3, BatchInput: { tag: 'x' } },
          End: true,
        },
      },
    } as StateMachineDefinition;
    const r = await advance(definition, [1, 2, 3, 4, 5, 6, 7], { kind: 'start' });
    expect(JSON.parse(r.closing!.output!)).toEqual([
      { BatchInput: { tag: 'x' }, Items: [1, 2, 3] },
      { BatchInput: { tag: 'x' }, Items: [4, 5, 6] },
      { BatchInput: { tag: 'x' }, Items: [7] },
    ]);
  });
});
