import { describe, expect, test } from 'vitest';
import { readHistory, statusIn, stepKey } from './status.js';
import type { HistoryEvent } from './types.js';

/**
 * A history as RedStep records it: a Parallel whose Task is retried, then caught; a Map of
 * three items whose second iteration reaches a Fail state.
 */
const raw = [
  { id: 1, type: 'ExecutionStarted', executionStartedEventDetails: {"input":"{}"} },
  { id: 2, type: 'PassStateEntered', stateEnteredEventDetails: {"name":"Init","input":"{}"} },
  { id: 3, type: 'PassStateExited', stateExitedEventDetails: {"name":"Init","output":"{\"items\":[1,2,3]}"} },
  { id: 4, type: 'ParallelStateEntered', stateEnteredEventDetails: {"name":"Par","input":"{\"items\":[1,2,3]}"} },
  { id: 5, type: 'ParallelStateStarted' },
  { id: 6, type: 'PassStateEntered', stateEnteredEventDetails: {"name":"A1","input":"{\"items\":[1,2,3]}"} },
  { id: 7, type: 'PassStateExited', stateExitedEventDetails: {"name":"A1","output":"{\"items\":[1,2,3]}"} },
  { id: 8, type: 'TaskStateEntered', stateEnteredEventDetails: {"name":"B1","input":"{\"items\":[1,2,3]}"} },
  { id: 9, type: 'TaskScheduled', taskScheduledEventDetails: {"parameters":"{\"FunctionName\":\"x\"}"} },
  { id: 10, type: 'TaskStarted', taskStartedEventDetails: {} },
  { id: 11, type: 'TaskFailed', taskFailedEventDetails: {"error":"Lambda.SdkClientException","cause":"Unable to execute HT"} },
  { id: 12, type: 'TaskScheduled', taskScheduledEventDetails: {"parameters":"{\"FunctionName\":\"x\"}"} },
  { id: 13, type: 'TaskStarted', taskStartedEventDetails: {} },
  { id: 14, type: 'TaskFailed', taskFailedEventDetails: {"error":"Lambda.SdkClientException","cause":"Unable to execute HT"} },
  { id: 15, type: 'TaskStateExited', stateExitedEventDetails: {"name":"B1","output":"{}"} },
  { id: 16, type: 'PassStateEntered', stateEnteredEventDetails: {"name":"B2","input":"{}"} },
  { id: 17, type: 'PassStateExited', stateExitedEventDetails: {"name":"B2","output":"{}"} },
  { id: 18, type: 'ParallelStateSucceeded' },
  { id: 19, type: 'ParallelStateExited', stateExitedEventDetails: {"name":"Par","output":"{}"} },
  { id: 20, type: 'MapStateEntered', stateEnteredEventDetails: {"name":"M","input":"{}"} },
  { id: 21, type: 'MapStateStarted', mapStateStartedEventDetails: {"length":3} },
  { id: 22, type: 'MapIterationStarted', mapIterationStartedEventDetails: {"index":0,"name":"M"} },
  { id: 23, type: 'ChoiceStateEntered', stateEnteredEventDetails: {"name":"I1","input":"1"} },
  { id: 24, type: 'ChoiceStateExited', stateExitedEventDetails: {"name":"I1","output":"1"} },
  { id: 25, type: 'PassStateEntered', stateEnteredEventDetails: {"name":"Ok","input":"1"} },
  { id: 26, type: 'PassStateExited', stateExitedEventDetails: {"name":"Ok","output":"1"} },
  { id: 27, type: 'MapIterationSucceeded', mapIterationSucceededEventDetails: {"index":0,"name":"M"} },
  { id: 28, type: 'MapIterationStarted', mapIterationStartedEventDetails: {"index":1,"name":"M"} },
  { id: 29, type: 'ChoiceStateEntered', stateEnteredEventDetails: {"name":"I1","input":"2"} },
  { id: 30, type: 'ChoiceStateExited', stateExitedEventDetails: {"name":"I1","output":"2"} },
  { id: 31, type: 'FailStateEntered', stateEnteredEventDetails: {"name":"Bad","input":"2"} },
  { id: 32, type: 'MapIterationFailed', mapIterationFailedEventDetails: {"index":1,"name":"M"} },
  { id: 33, type: 'MapStateFailed' },
  { id: 34, type: 'ExecutionFailed', executionFailedEventDetails: {"error":"Two","cause":"two is bad"} },
];
const events: HistoryEvent[] = raw.map((e) => ({ timestamp: 0, ...e }));

describe('readHistory', () => {
  const reading = readHistory(events, 'FAILED');
  const at = (name: string, scope = '') => reading.steps.get(stepKey(scope, name));

  test('states that exited normally succeeded', () => {
    expect(at('Init')?.status).toBe('succeeded');
    expect(at('A1')?.status).toBe('succeeded');
    expect(at('B2')?.status).toBe('succeeded');
    expect(at('Par')?.status).toBe('succeeded');
    expect(at('Init')?.output).toBe('{"items":[1,2,3]}');
  });

  test('a Task whose last attempt failed but which exited (a Catch) is caught, with every error and attempt', () => {
    const b1 = at('B1')!;
    expect(b1.status).toBe('caught');
    expect(b1.attempts).toBe(2);
    expect(b1.errors.map((e) => e.error)).toEqual(['Lambda.SdkClientException', 'Lambda.SdkClientException']);
    expect(b1.parameters).toBe('{"FunctionName":"x"}');
  });

  test('Map iterations are scoped: each has its own records, and the Map keeps their outcomes', () => {
    expect(at('I1', 'M[0]')?.status).toBe('succeeded');
    expect(at('Ok', 'M[0]')?.status).toBe('succeeded');
    expect(at('I1', 'M[1]')?.input).toBe('2');
    expect(at('Bad', 'M[1]')?.status).toBe('failed');
    expect(at('Ok', 'M[1]')).toBeUndefined();
    const m = reading.maps.get(stepKey('', 'M'))!;
    expect(m.length).toBe(3);
    expect([...m.iterations]).toEqual([
      [0, 'succeeded'],
      [1, 'failed'],
    ]);
    expect(at('M')?.status).toBe('failed');
  });

  test('statusIn reads the iteration picked', () => {
    expect(statusIn(reading, 'Bad', ['M'], new Map([['M', 1]]))?.status).toBe('failed');
    expect(statusIn(reading, 'Bad', ['M'], new Map([['M', 0]]))).toBeUndefined();
    expect(statusIn(reading, 'Ok', ['M'], new Map([['M', 0]]))?.status).toBe('succeeded');
  });

  test('a state still open is running while the execution runs, failed once it has stopped', () => {
    const open: HistoryEvent[] = [
      { id: 1, type: 'ExecutionStarted', timestamp: 0 },
      { id: 2, type: 'TaskStateEntered', timestamp: 0, stateEnteredEventDetails: { name: 'T', input: '{}' } },
      { id: 3, type: 'ActivityScheduled', timestamp: 0 },
    ];
    expect(readHistory(open, 'RUNNING').steps.get(stepKey('', 'T'))?.status).toBe('running');
    expect(readHistory([...open, { id: 4, type: 'ExecutionAborted', timestamp: 0 }], 'ABORTED').steps.get(stepKey('', 'T'))?.status).toBe('failed');
  });

  test('a loop re-enters a state: the last visit is kept and the visits counted', () => {
    const loop: HistoryEvent[] = [];
    let id = 1;
    for (let i = 0; i < 3; i++) {
      loop.push({ id: id++, type: 'PassStateEntered', timestamp: 0, stateEnteredEventDetails: { name: 'Again', input: String(i) } });
      loop.push({ id: id++, type: 'PassStateExited', timestamp: 0, stateExitedEventDetails: { name: 'Again', output: String(i) } });
    }
    const r = readHistory(loop, 'SUCCEEDED').steps.get(stepKey('', 'Again'))!;
    expect(r.visits).toBe(3);
    expect(r.input).toBe('2');
  });

  test('reads 25,000 events quickly enough to run on every poll', () => {
    const big: HistoryEvent[] = [{ id: 1, type: 'ExecutionStarted', timestamp: 0 }];
    for (let i = 0; big.length < 25_000; i++) {
      big.push({ id: big.length + 1, type: 'PassStateEntered', timestamp: 0, stateEnteredEventDetails: { name: `S${i % 400}`, input: '{}' } });
      big.push({ id: big.length + 1, type: 'PassStateExited', timestamp: 0, stateExitedEventDetails: { name: `S${i % 400}`, output: '{}' } });
    }
    const reading = readHistory(big, 'RUNNING');
    expect(reading.steps.size).toBe(400);
    expect(reading.steps.get(stepKey('', 'S7'))?.visits).toBeGreaterThan(30);
  });
});
