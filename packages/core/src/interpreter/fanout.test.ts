import { describe, expect, it } from 'vitest';
import type { StateMachineDefinition } from '../asl/types.js';
import { step } from './step.js';
import type { Cursor, ExecutionInfo, HistoryEvent, StepResult, Wake } from './types.js';
import { testExecution } from './execution.test-support.js';

const execution = (input: unknown): ExecutionInfo => testExecution(input);

let tokens = 0;
function advance(definition: StateMachineDefinition, input: unknown, wake: Wake, cursor?: Cursor, lastEventId = 1, now = 1000): Promise<StepResult> {
  const base = { definition, execution: execution(input), lastEventId, wake, now };
  return step(cursor ? { ...base, cursor } : base, { newToken: () => `token-${tokens++}` });
}

const types = (events: HistoryEvent[]) => events.map((e) => e.type);
const output = (r: StepResult) => JSON.parse(r.closing?.output ?? 'null') as unknown;

const waitingMap = (maxConcurrency: number): StateMachineDefinition => ({
  StartAt: 'M',
  States: {
    M: {
      Type: 'Map',
      MaxConcurrency: maxConcurrency,
      ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 5, Next: 'P' }, P: { Type: 'Pass', End: true } } },
      End: true,
    },
  },
});

describe('fan-out', () => {
  it('a Map whose iterations never wait completes in one step, results in item order', async () => {
    const r = await advance(
      { StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'twice.$': 'States.MathAdd($, $)' }, End: true } } }, End: true } } },
      [1, 2, 3],
      { kind: 'start' },
    );
    expect(r.closing?.status).toBe('SUCCEEDED');
    expect(output(r)).toEqual([{ twice: 2 }, { twice: 4 }, { twice: 6 }]);
    expect(types(r.events).slice(0, 4)).toEqual(['MapStateEntered', 'MapStateStarted', 'MapIterationStarted', 'PassStateEntered']);
  });

  it('iterations that wait suspend on their own wake; MaxConcurrency holds back the rest', async () => {
    const def = waitingMap(2);
    const first = await advance(def, ['a', 'b', 'c'], { kind: 'start' });
    expect(first.suspensions.map((s) => s.path)).toEqual([[0], [1]]);
    expect(Object.keys(first.cursor!.fanout!.running)).toEqual(['0', '1']);

    // Waking iteration 1 finishes it and starts iteration 2, which waits in turn.
    const second = await advance(def, ['a', 'b', 'c'], { kind: 'timer', path: [1] }, first.cursor, 1 + first.events.length, 6000);
    expect(types(second.events)).toEqual([
      'WaitStateExited',
      'PassStateEntered',
      'PassStateExited',
      'MapIterationSucceeded',
      'MapIterationStarted',
      'WaitStateEntered',
    ]);
    expect(second.suspensions.map((s) => s.path)).toEqual([[2]]);
    expect(second.cursor!.fanout!.results[1]).toBe('b');
  });

  it('a failed iteration fails the Map unless the tolerated failures allow it', async () => {
    const failing = (tolerance: Record<string, number>): StateMachineDefinition => ({
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ...tolerance,
          ItemProcessor: {
            StartAt: 'C',
            States: {
              C: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 0, Next: 'F' }], Default: 'P' },
              F: { Type: 'Fail', Error: 'Zero' },
              P: { Type: 'Pass', End: true },
            },
          },
          End: true,
        },
      },
    });
    const strict = await advance(failing({}), [1, 0, 2], { kind: 'start' });
    expect(strict.closing).toMatchObject({ status: 'FAILED', error: 'Zero' });
    expect(types(strict.events)).toContain('MapStateFailed');

    const tolerant = await advance(failing({ ToleratedFailureCount: 1 }), [1, 0, 2], { kind: 'start' });
    expect(tolerant.closing?.status).toBe('SUCCEEDED');
    expect(output(tolerant)).toEqual([1, null, 2]);

    const exceeded = await advance(failing({ ToleratedFailurePercentage: 30 }), [0, 0, 2], { kind: 'start' });
    expect(exceeded.closing).toMatchObject({ status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold' });
  });

  it('Parallel branches read outer variables and keep their own assignments', async () => {
    const r = await advance(
      {
        StartAt: 'Set',
        States: {
          Set: { Type: 'Pass', Assign: { base: 10 }, Next: 'Both' },
          Both: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'A', States: { A: { Type: 'Pass', Assign: { own: 1 }, Next: 'A2' }, A2: { Type: 'Pass', Parameters: { 'sum.$': 'States.MathAdd($base, $own)' }, End: true } } },
              { StartAt: 'B', States: { B: { Type: 'Pass', Parameters: { 'base.$': '$base' }, End: true } } },
            ],
            End: true,
          },
        },
      },
      {},
      { kind: 'start' },
    );
    expect(output(r)).toEqual([{ sum: 11 }, { base: 10 }]);
  });

  it('a retried Map starts over from its first iteration', async () => {
    const def: StateMachineDefinition = {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          Retry: [{ ErrorEquals: ['Boom'], IntervalSeconds: 1, MaxAttempts: 1 }],
          ItemProcessor: { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Boom' } } },
          End: true,
        },
      },
    };
    const first = await advance(def, [1], { kind: 'start' });
    expect(first.suspensions).toEqual([expect.objectContaining({ path: [], suspension: { kind: 'timer', at: 2000 } })]);
    expect(types(first.events)).not.toContain('MapStateFailed');
    const again = await advance(def, [1], { kind: 'timer' }, first.cursor, 1 + first.events.length, 2000);
    expect(types(again.events)).toEqual(['MapStateStarted', 'MapIterationStarted', 'FailStateEntered', 'MapIterationFailed', 'MapStateFailed', 'ExecutionFailed']);
  });
});
