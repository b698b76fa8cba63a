import type { MockConfig } from '@redstep/core';
import { decodeTaskToken, type ExecutionStore, type StepJob, type StepQueue } from '@redstep/store';
import type { IntegrationRegistry, InvokeResult } from './integrations/index.js';
import { findIntegrationTask, settle, submittedEvent } from './submission.js';

export interface InvokerDeps {
  executions: ExecutionStore;
  queue: StepQueue;
  registry: IntegrationRegistry;
  mocks?: MockConfig;
  now?: () => number;
}

/**
 * Runs an `invoke` job: makes the service call a pending Task asked for (or answers it from the
 * execution's mock test case) and feeds the outcome back as taskSucceeded / taskFailed jobs on
 * the task's nonce, so Retry, Catch and the time-outs work as for activities. A callback Task
 * (`.waitForTaskToken`) whose call went through waits on for SendTaskSuccess/Failure, a `.sync`
 * Task for its job. Such a Task's call is recorded (TaskSubmitted, or a mark when nothing was
 * submitted) before any answer is fed back; the step processor holds back answers until then.
 */
export class Invoker {
  constructor(private readonly deps: InvokerDeps) {}

  async run(job: Extract<StepJob, { k: 'invoke' }>): Promise<boolean> {
    const { executions, queue, mocks } = this.deps;
    const now = this.deps.now ?? Date.now;
    const rec = await executions.load(job.e);
    if (!rec || rec.status !== 'RUNNING' || !rec.tasks[job.w] || !rec.cursor) return false;
    const found = findIntegrationTask(rec.cursor, (t) => decodeTaskToken(t.token)?.nonce === job.w);
    if (!found) return false;
    const { task, silent } = found;
    const { integration } = task;
    const mocked = rec.testCase !== undefined && mocks?.mocks(rec.stateMachineName, rec.testCase, integration.state);
    const invocation = await executions.startInvoke(rec.arn, job.w, now(), mocked ? integration.state : '');
    if (invocation === undefined) return false;
    let result: InvokeResult;
    if (mocked) {
      const answer = mocks!.answer(rec.stateMachineName, rec.testCase!, integration.state, invocation)!;
      result = answer.kind === 'return' ? { kind: 'succeeded', output: answer.value } : { kind: 'failed', error: answer.error, cause: answer.cause };
    } else {
      result = await this.deps.registry.invoke({ task, request: JSON.parse(task.input), execution: rec });
    }
    const { submission, answer } = settle(integration.pattern, result, Boolean(mocked));
    if (submission.kind !== 'none') {
      // A distributed Map's iterations keep no events here: only the mark.
      const event = submission.kind === 'event' && !silent ? submittedEvent(task, submission.output) : undefined;
      await executions.submitTask(rec.arn, job.w, now(), event);
    }
    // Recorded with the execution first, as an activity's answer is (see answerTask).
    if (answer?.kind === 'succeeded') {
      const output = JSON.stringify(answer.output ?? null);
      await executions.answerTask(rec.arn, job.w, { kind: 'succeeded', output });
      await queue.add({ k: 'taskSucceeded', e: rec.arn, w: job.w, output });
    } else if (answer?.kind === 'failed') {
      const submitFailed = answer.submitFailed ? ({ submitFailed: true } as const) : {};
      await executions.answerTask(rec.arn, job.w, { kind: 'failed', error: answer.error, cause: answer.cause, ...submitFailed });
      await queue.add({ k: 'taskFailed', e: rec.arn, w: job.w, error: answer.error, cause: answer.cause, ...(answer.submitFailed && { sf: true as const }) });
    }
    return true;
  }
}
