import { describe, expect, it } from 'vitest';
import type { StateMachineDefinition } from '../asl/types.js';
import { step } from './step.js';
import type { ExecutionInfo, HistoryEvent, StepResult } from './types.js';
import { testExecution } from './execution.test-support.js';

const execution = (input: unknown): ExecutionInfo => testExecution(input);

function run(definition: StateMachineDefinition, input: unknown = {}): Promise<StepResult> {
  return step(
    { definition, execution: execution(input), lastEventId: 1, wake: { kind: 'start' }, now: 1000 },
    { newToken: () => 'token' },
  );
}

const types = (events: HistoryEvent[]) => events.map((e) => e.type);
const output = (r: StepResult) => JSON.parse(r.closing?.output ?? 'null') as unknown;
const exited = (r: StepResult, name: string) =>
  r.events.find((e) => e.type.endsWith('StateExited') && (e.stateExitedEventDetails as { name: string }).name === name)!
    .stateExitedEventDetails as Record<string, unknown>;

describe('Assign and Output ordering', () => {
  it('JSONPath: Assign reads the result before ResultPath; OutputPath reads the old variables', async () => {
    const r = await run({
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Result: { v: 1 }, Assign: { x: 'old', fromResult: { 'r.$': '$.v' } }, Next: 'B' },
        B: { Type: 'Pass', ResultPath: '$.r', Assign: { x: 'new' }, OutputPath: '$x', End: true },
      },
    });
    expect(output(r)).toBe('old');
    expect(exited(r, 'A').assignedVariables).toEqual({ x: '"old"', fromResult: '{"r":1}' });
    expect(exited(r, 'B').assignedVariables).toEqual({ x: '"new"' });
  });

  it('JSONata: Assign and Output both see values from before the state', async () => {
    const r = await run(
      {
        QueryLanguage: 'JSONata',
        StartAt: 'A',
        States: {
          A: { Type: 'Pass', Assign: { n: 1 }, Next: 'B' },
          B: { Type: 'Pass', Assign: { n: '{% $n + 1 %}', prev: '{% $n %}' }, Output: { n: '{% $n %}', input: '{% $states.input %}' }, End: true },
        },
      },
      { in: true },
    );
    expect(output(r)).toEqual({ n: 1, input: { in: true } });
    expect(exited(r, 'B').assignedVariables).toEqual({ n: '2', prev: '1' });
  });

  it('variables cross query languages', async () => {
    const r = await run({
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { v: 42 }, Next: 'B' },
        B: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $v %}', End: true },
      },
    });
    expect(output(r)).toBe(42);
  });

  it('records no assignedVariables for an empty Assign', async () => {
    const r = await run({ StartAt: 'A', States: { A: { Type: 'Pass', Assign: {}, End: true } } });
    expect(exited(r, 'A')).not.toHaveProperty('assignedVariables');
  });
});

describe('JSONata states', () => {
  it('Choice: Condition picks the rule, whose Assign/Output apply; Default takes the state-level ones', async () => {
    const def = (flag: boolean): StateMachineDefinition => ({
      QueryLanguage: 'JSONata',
      StartAt: 'C',
      States: {
        C: {
          Type: 'Choice',
          Choices: [{ Condition: '{% $states.input.flag %}', Next: 'End', Assign: { by: 'rule' }, Output: 'rule' }],
          Default: 'End',
          Assign: { by: 'default' },
        },
        End: { Type: 'Succeed' },
      },
    });
    const yes = await run(def(true), { flag: true });
    expect(output(yes)).toBe('rule');
    expect(exited(yes, 'C').assignedVariables).toEqual({ by: '"rule"' });
    const no = await run(def(false), { flag: false });
    expect(output(no)).toEqual({ flag: false });
    expect(exited(no, 'C').assignedVariables).toEqual({ by: '"default"' });
  });

  it('Choice: a non-boolean Condition is a query error', async () => {
    const r = await run({
      QueryLanguage: 'JSONata',
      StartAt: 'C',
      States: { C: { Type: 'Choice', Choices: [{ Condition: '{% 1 %}', Next: 'E' }], Default: 'E' }, E: { Type: 'Succeed' } },
    });
    expect(r.closing?.error).toBe('States.QueryEvaluationError');
    expect(r.closing?.cause).toContain("Expected 'boolean'");
  });

  it('Fail: Error and Cause are expressions', async () => {
    const r = await run(
      { QueryLanguage: 'JSONata', StartAt: 'F', States: { F: { Type: 'Fail', Error: '{% $states.input.e %}', Cause: 'literal' } } },
      { e: 'Boom' },
    );
    expect(r.closing).toMatchObject({ status: 'FAILED', error: 'Boom', cause: 'literal' });
  });

  it('Wait: Seconds as an expression', async () => {
    const r = await run(
      { QueryLanguage: 'JSONata', StartAt: 'W', States: { W: { Type: 'Wait', Seconds: '{% $states.input.s %}', End: true } } },
      { s: 5 },
    );
    expect(r.suspensions.map((s) => s.suspension)).toEqual([{ kind: 'timer', at: 6000 }]);
  });

  it('Wait: an unparseable Timestamp is a query error with EvaluationFailed', async () => {
    const r = await run(
      { QueryLanguage: 'JSONata', StartAt: 'W', States: { W: { Type: 'Wait', Timestamp: '{% $states.input.t %}', End: true } } },
      { t: '2016-12-05T21:29:29' },
    );
    expect(types(r.events)).toEqual(['WaitStateEntered', 'EvaluationFailed', 'ExecutionFailed']);
    expect(r.events[1]!.evaluationFailedEventDetails).toMatchObject({ location: 'Timestamp', state: 'W', error: 'States.QueryEvaluationError' });
  });

  it('an undefined result fails with the located cause and an EvaluationFailed event', async () => {
    const r = await run({ QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: { r: '{% $nope %}' }, End: true } } });
    expect(types(r.events)).toEqual(['PassStateEntered', 'EvaluationFailed', 'ExecutionFailed']);
    expect(r.closing?.cause).toBe(
      "An error occurred while executing the state 'P' (entered at the event id #2). The JSONata expression '$nope' specified for the field 'Output/r' returned nothing (undefined).",
    );
  });

  it('Task: Arguments become the activity input; Output reads $states.result; Catch Output/Assign read $states.errorOutput', async () => {
    const definition: StateMachineDefinition = {
      QueryLanguage: 'JSONata',
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:us-east-1:123456789012:activity:a',
          Arguments: { x: '{% $states.input.x %}' },
          TimeoutSeconds: '{% 30 %}',
          Output: '{% $states.result.y %}',
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught', Output: '{% $states.errorOutput.Error %}', Assign: { cause: '{% $states.errorOutput.Cause %}' } }],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    };
    const started = await run(definition, { x: 7 });
    expect(started.suspensions[0]?.suspension).toMatchObject({ kind: 'activity', task: { input: '{"x":7}', timeoutSeconds: 30 } });
    const base = { definition, execution: execution({ x: 7 }), cursor: started.cursor!, lastEventId: 3, now: 2000 };
    const ok = await step({ ...base, wake: { kind: 'taskSucceeded', output: '{"y":"done"}' } }, { newToken: () => 't' });
    expect(ok.closing?.output).toBe('"done"');
    const failed = await step({ ...base, wake: { kind: 'taskFailed', error: 'E', cause: 'why' } }, { newToken: () => 't' });
    expect(failed.closing?.output).toBe('"E"');
    expect(exited(failed, 'T').assignedVariables).toEqual({ cause: '"why"' });
  });
});

describe('a Task whose call failed to submit', () => {
  it('records TaskSubmitFailed with the resource and error instead of TaskFailed; Retry and Catch treat it as a failure', async () => {
    const definition: StateMachineDefinition = {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          Parameters: { QueueUrl: 'q', 'MessageBody.$': '$$.Task.Token' },
          Catch: [{ ErrorEquals: ['SQS.QueueDoesNotExistException'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    };
    const started = await run(definition);
    expect(types(started.events)).toEqual(['TaskStateEntered', 'TaskScheduled', 'TaskStarted']);
    const base = { definition, execution: execution({}), cursor: started.cursor!, lastEventId: 4, now: 2000 };
    const wake = { kind: 'taskFailed' as const, error: 'SQS.QueueDoesNotExistException', cause: 'no queue', submitFailed: true };
    const failed = await step({ ...base, wake }, { newToken: () => 't' });
    expect(types(failed.events)).toEqual(['TaskSubmitFailed', 'TaskStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
    expect(failed.events[0]!.taskSubmitFailedEventDetails).toEqual({ resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken', error: 'SQS.QueueDoesNotExistException', cause: 'no queue' });
    const answered = await step({ ...base, wake: { ...wake, submitFailed: false } }, { newToken: () => 't' });
    expect(types(answered.events)[0]).toBe('TaskFailed');
  });
});

describe('context object', () => {
  it('has no RetryCount outside states that can retry', async () => {
    const r = await run({ StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'c.$': '$$.State' }, End: true } } });
    expect(output(r)).toEqual({ c: { Name: 'P', EnteredTime: new Date(1000).toISOString() } });
  });
});

describe('closing from outside', () => {
  it('a fault of the interpreter fails the execution with States.Runtime after the last event', async () => {
    const { closeFromOutside } = await import('./step.js');
    const r = closeFromOutside('fail', 7, 5000, { error: 'States.Runtime', cause: 'Internal error while running the execution: boom' });
    expect(r.closing).toEqual({ status: 'FAILED', error: 'States.Runtime', cause: 'Internal error while running the execution: boom' });
    expect(r.events).toEqual([
      expect.objectContaining({ id: 8, previousEventId: 7, type: 'ExecutionFailed', executionFailedEventDetails: { error: 'States.Runtime', cause: 'Internal error while running the execution: boom' } }),
    ]);
  });
});
