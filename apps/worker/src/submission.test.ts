import { describe, expect, it } from 'vitest';
import type { Cursor, PendingTask, TaskIntegration } from '@redstep/core';
import { findIntegrationTask, settle, submittedEvent, waitsAfterCall, type IntegrationTask } from './submission.js';

function task(token: string, pattern: TaskIntegration['pattern'], service = 'sqs', action = 'sendMessage'): IntegrationTask {
  return { token, resource: 'r', input: '{}', scheduledAt: 0, scheduledEventId: 3, integration: { service, action, pattern, state: 'S' } };
}

function cursor(over: Partial<Cursor> = {}): Cursor {
  return { state: 'S', input: {}, entered: true, enteredTime: 0, enteredEventId: 2, attempts: [], ...over };
}

function fanout(running: Record<string, Cursor>, mapRun?: { arn: string; redriveCount: number }): Cursor['fanout'] {
  return { total: 2, next: 2, maxConcurrency: 0, inputs: [], results: [], done: 0, failed: 0, running, ...(mapRun && { mapRun }) };
}

describe('which answers wait for the submission', () => {
  it('callback and .sync tasks wait; request-response and activity tasks do not', () => {
    expect(waitsAfterCall(task('t', 'callback'))).toBe(true);
    expect(waitsAfterCall(task('t', 'sync'))).toBe(true);
    expect(waitsAfterCall(task('t', 'sync2'))).toBe(true);
    expect(waitsAfterCall(task('t', 'request'))).toBe(false);
    const activity: PendingTask = { token: 't', resource: 'arn:aws:states:us-east-1:1:activity:a', input: '{}', scheduledAt: 0, scheduledEventId: 3 };
    expect(waitsAfterCall(activity)).toBe(false);
  });
});

describe('settling a call for its pattern', () => {
  const response = { MessageId: 'm-1' };

  it('request-response answers with the result and records nothing', () => {
    expect(settle('request', { kind: 'succeeded', output: response }, false)).toEqual({ submission: { kind: 'none' }, answer: { kind: 'succeeded', output: response } });
    expect(settle('request', { kind: 'failed', error: 'E', cause: 'C' }, false)).toEqual({ submission: { kind: 'none' }, answer: { kind: 'failed', error: 'E', cause: 'C' } });
  });

  it('a callback whose call went through records its response and waits for the token', () => {
    expect(settle('callback', { kind: 'succeeded', output: response }, false)).toEqual({ submission: { kind: 'event', output: response } });
  });

  it('a failed call of a waiting task only marks, then fails the task as failed to submit (TaskSubmitFailed)', () => {
    expect(settle('callback', { kind: 'failed', error: 'SQS.X', cause: 'c' }, false)).toEqual({ submission: { kind: 'mark' }, answer: { kind: 'failed', error: 'SQS.X', cause: 'c', submitFailed: true } });
    expect(settle('sync', { kind: 'failed', error: 'StepFunctions.Y', cause: 'c' }, false)).toEqual({ submission: { kind: 'mark' }, answer: { kind: 'failed', error: 'StepFunctions.Y', cause: 'c', submitFailed: true } });
  });

  it('a started .sync job records the start response; one that already answered also answers', () => {
    const started = { ExecutionArn: 'arn:c' };
    expect(settle('sync', { kind: 'pending', output: started }, false)).toEqual({ submission: { kind: 'event', output: started } });
    expect(settle('sync2', { kind: 'succeeded', output: { Status: 'SUCCEEDED' }, submitted: started }, false)).toEqual({
      submission: { kind: 'event', output: started },
      answer: { kind: 'succeeded', output: { Status: 'SUCCEEDED' } },
    });
    expect(settle('sync', { kind: 'failed', error: 'States.TaskFailed', cause: '{}', submitted: started }, false)).toEqual({
      submission: { kind: 'event', output: started },
      answer: { kind: 'failed', error: 'States.TaskFailed', cause: '{}' },
    });
  });

  it('a mocked answer of a waiting task marks and answers at once, callbacks included', () => {
    expect(settle('callback', { kind: 'succeeded', output: { approved: true } }, true)).toEqual({ submission: { kind: 'mark' }, answer: { kind: 'succeeded', output: { approved: true } } });
    expect(settle('sync', { kind: 'failed', error: 'E', cause: 'C' }, true)).toEqual({ submission: { kind: 'mark' }, answer: { kind: 'failed', error: 'E', cause: 'C' } });
  });
});

describe('finding the pending task', () => {
  const byToken = (token: string) => (t: PendingTask) => t.token === token;

  it('finds a top-level task, and one in a Parallel branch, as recorded in this history', () => {
    expect(findIntegrationTask(cursor({ task: task('a', 'callback') }), byToken('a'))).toMatchObject({ task: { token: 'a' }, silent: false });
    const parallel = cursor({ fanout: fanout({ 0: cursor(), 1: cursor({ task: task('b', 'sync') }) }) });
    expect(findIntegrationTask(parallel, byToken('b'))).toMatchObject({ task: { token: 'b' }, silent: false });
    expect(findIntegrationTask(parallel, byToken('zzz'))).toBeUndefined();
  });

  it('a task inside a distributed Map is silent, however deep', () => {
    const inner = cursor({ fanout: fanout({ 0: cursor({ task: task('c', 'callback') }) }) });
    const distributed = cursor({ fanout: fanout({ 0: inner }, { arn: 'arn:mapRun', redriveCount: 0 }) });
    expect(findIntegrationTask(distributed, byToken('c'))).toMatchObject({ task: { token: 'c' }, silent: true });
  });

  it('skips activity tasks', () => {
    const activity: PendingTask = { token: 'a', resource: 'arn:aws:states:us-east-1:1:activity:x', input: '{}', scheduledAt: 0, scheduledEventId: 3 };
    expect(findIntegrationTask(cursor({ task: activity }), byToken('a'))).toBeUndefined();
  });
});

describe('the TaskSubmitted event', () => {
  it('follows the task TaskStarted and names the resource with its pattern, the response as JSON text', () => {
    expect(submittedEvent(task('a', 'sync2', 'states', 'startExecution'), { ExecutionArn: 'arn:c' })).toEqual({
      previousEventId: 4,
      details: { resourceType: 'states', resource: 'startExecution.sync:2', output: '{"ExecutionArn":"arn:c"}', outputDetails: { truncated: false } },
    });
    expect(submittedEvent(task('a', 'callback'), undefined).details).toMatchObject({ resource: 'sendMessage.waitForTaskToken', output: 'null' });
  });
});
