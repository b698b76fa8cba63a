import type { MockConfig, PendingTask, TaskIntegration } from '@redstep/core';
import { decodeTaskToken, frames, type ExecutionRecord, type ExecutionStore, type StepJob, type StepQueue } from '@redstep/store';
import type { IntegrationRegistry, InvokeResult } from './integrations/index.js';

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
 * (`.waitForTaskToken`) whose call went through waits on for SendTaskSuccess/Failure.
 */
export class Invoker {
  constructor(private readonly deps: InvokerDeps) {}

  async run(job: Extract<StepJob, { k: 'invoke' }>): Promise<boolean> {
    const { executions, queue, mocks } = this.deps;
    const now = (this.deps.now ?? Date.now)();
    const rec = await executions.load(job.e);
    if (!rec || rec.status !== 'RUNNING' || !rec.tasks[job.w]) return false;
    const task = pendingTask(rec, job.w);
    if (!task) return false;
    const { integration } = task;
    const mocked = rec.testCase !== undefined && mocks?.mocks(rec.stateMachineName, rec.testCase, integration.state);
    const invocation = await executions.startInvoke(rec.arn, job.w, now, mocked ? integration.state : '');
    if (invocation === undefined) return false;
    let result: InvokeResult;
    if (mocked) {
      const answer = mocks!.answer(rec.stateMachineName, rec.testCase!, integration.state, invocation)!;
      result = answer.kind === 'return' ? { kind: 'succeeded', output: answer.value } : { kind: 'failed', error: answer.error, cause: answer.cause };
    } else {
      result = await this.deps.registry.invoke({ task, request: JSON.parse(task.input), execution: rec });
      // A callback waits for its token whatever the call answered, unless the call failed.
      if (integration.pattern === 'callback' && result.kind === 'succeeded') result = { kind: 'pending' };
    }
    if (result.kind === 'succeeded') {
      await queue.add({ k: 'taskSucceeded', e: rec.arn, w: job.w, output: JSON.stringify(result.output ?? null) });
    } else if (result.kind === 'failed') {
      await queue.add({ k: 'taskFailed', e: rec.arn, w: job.w, error: result.error, cause: result.cause });
    }
    return true;
  }
}

function pendingTask(rec: ExecutionRecord, nonce: string): (PendingTask & { integration: TaskIntegration }) | undefined {
  if (!rec.cursor) return undefined;
  for (const { cursor } of frames(rec.cursor)) {
    const task = cursor.task;
    if (task?.integration && decodeTaskToken(task.token)?.nonce === nonce) return task as PendingTask & { integration: TaskIntegration };
  }
  return undefined;
}
