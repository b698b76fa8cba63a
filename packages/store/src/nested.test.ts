import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from './executions.js';
import { childAnswer, childNameFromNonce, describeForParent, parentJob } from './nested.js';

const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:child';
const PARENT = 'arn:aws:states:us-east-1:123456789012:execution:parent:p1';
const NONCE = '0123456789abcdef0123456789abcdef';

function child(over: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    arn: 'arn:aws:states:us-east-1:123456789012:execution:child:c1',
    name: 'c1',
    stateMachineArn: SM,
    stateMachineName: 'child',
    status: 'SUCCEEDED',
    input: '{"k":1}',
    output: '{"ok":true}',
    startDate: 1000,
    stopDate: 2000,
    definitionSha: 'sha',
    roleArn: 'arn:aws:iam::123456789012:role/r',
    seq: 5,
    wake: '',
    tasks: {},
    redriveCount: 0,
    parent: { arn: PARENT, nonce: NONCE, pattern: 'sync' },
    ...over,
  };
}

describe('nested execution answers', () => {
  it('.sync describes the child in PascalCase, keys sorted, payloads as JSON text, dates in ms', () => {
    const out = describeForParent(child(), 'sync');
    expect(out).toEqual({
      ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:child:c1',
      Input: '{"k":1}',
      InputDetails: { Included: true },
      Name: 'c1',
      Output: '{"ok":true}',
      OutputDetails: { Included: true },
      RedriveCount: 0,
      RedriveStatus: 'NOT_REDRIVABLE',
      RedriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
      StartDate: 1000,
      StateMachineArn: SM,
      Status: 'SUCCEEDED',
      StopDate: 2000,
    });
    expect(Object.keys(out)).toEqual([...Object.keys(out)].sort());
  });

  it('.sync:2 parses Input and Output', () => {
    const out = describeForParent(child(), 'sync2');
    expect(out.Input).toEqual({ k: 1 });
    expect(out.Output).toEqual({ ok: true });
  });

  it('a version and alias the child ran through appear in order', () => {
    const out = describeForParent(child({ stateMachineVersionArn: `${SM}:1`, stateMachineAliasArn: `${SM}:live` }), 'sync2');
    expect(Object.keys(out)).toEqual([...Object.keys(out)].sort());
    expect(out.StateMachineVersionArn).toBe(`${SM}:1`);
    expect(out.StateMachineAliasArn).toBe(`${SM}:live`);
  });

  it('a failed, timed-out or aborted child fails the task with States.TaskFailed and its description as the cause', () => {
    for (const status of ['FAILED', 'TIMED_OUT', 'ABORTED'] as const) {
      const rec = child({ status, error: 'Boom', cause: 'went wrong' });
      delete rec.output;
      const answer = childAnswer(rec, 'sync');
      expect(answer?.kind).toBe('failed');
      if (answer?.kind !== 'failed') continue;
      expect(answer.error).toBe('States.TaskFailed');
      const cause = JSON.parse(answer.cause) as Record<string, unknown>;
      expect(cause).toMatchObject({ Status: status, Error: 'Boom', Cause: 'went wrong', RedriveStatus: 'REDRIVABLE' });
      expect(cause.Output).toBeUndefined();
    }
  });

  it('a running child has no answer yet', () => {
    expect(childAnswer(child({ status: 'RUNNING' }), 'sync')).toBeUndefined();
    expect(parentJob(child({ status: 'RUNNING' }))).toBeUndefined();
  });

  it('the parent job answers the task by its nonce; request-response and callback parents get none', () => {
    expect(parentJob(child())).toEqual({ k: 'taskSucceeded', e: PARENT, w: NONCE, output: JSON.stringify(describeForParent(child(), 'sync')) });
    const failed = parentJob(child({ status: 'FAILED', parent: { arn: PARENT, nonce: NONCE, pattern: 'sync2' } }));
    expect(failed).toMatchObject({ k: 'taskFailed', e: PARENT, w: NONCE, error: 'States.TaskFailed' });
    expect(parentJob(child({ parent: { arn: PARENT, nonce: NONCE, pattern: 'callback' } }))).toBeUndefined();
    expect(parentJob(child({ parent: { arn: PARENT, nonce: NONCE, pattern: 'request' } }))).toBeUndefined();
  });

  it('the default child name is the nonce as a UUID', () => {
    expect(childNameFromNonce(NONCE)).toBe('01234567-89ab-cdef-0123-456789abcdef');
  });
});
