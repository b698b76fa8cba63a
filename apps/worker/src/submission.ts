import { taskEventNames, type Cursor, type PendingTask, type TaskIntegration } from '@redstep/core';
import type { InvokeResult } from './integrations/index.js';

/**
 * TaskSubmitted: AWS records it for a Task that waits after its call (`.waitForTaskToken`,
 * `.sync`, `.sync:2`), between TaskStarted and the answer, carrying the call's response.
 */

export type IntegrationTask = PendingTask & { integration: TaskIntegration };

/** Whether answers to this task wait for its submission to be recorded. */
export function waitsAfterCall(task: PendingTask): boolean {
  return task.integration !== undefined && task.integration.pattern !== 'request';
}

/**
 * A pending integration task by its nonce. `silent` when it runs inside a distributed Map: its
 * events belong to the map run's child executions, not to this history.
 */
export function findIntegrationTask(
  cursor: Cursor,
  matches: (task: PendingTask) => boolean,
  silent = false,
): { task: IntegrationTask; silent: boolean } | undefined {
  if (cursor.task?.integration && matches(cursor.task)) return { task: cursor.task as IntegrationTask, silent };
  const inner = silent || cursor.fanout?.mapRun !== undefined;
  for (const child of Object.values(cursor.fanout?.running ?? {})) {
    const found = findIntegrationTask(child, matches, inner);
    if (found) return found;
  }
  return undefined;
}

/** What the invoker records for a task's call (before any answer) and the answer it feeds back now. */
export interface Settled {
  /** none: request-response; mark: past the call, nothing submitted; event: TaskSubmitted with the response. */
  submission: { kind: 'none' } | { kind: 'mark' } | { kind: 'event'; output: unknown };
  /** `submitFailed`: the call of a Task that waits after it failed, so it submitted nothing (TaskSubmitFailed). */
  answer?: { kind: 'succeeded'; output: unknown } | { kind: 'failed'; error: string; cause: string; submitFailed?: true };
}

/**
 * Settles a call's result for its pattern. A callback whose call went through waits for its
 * token; a mocked answer replaces the whole call, submission included, so it only marks.
 */
export function settle(pattern: TaskIntegration['pattern'], result: InvokeResult, mocked: boolean): Settled {
  if (result.kind === 'pending') return { submission: pattern === 'request' ? { kind: 'none' } : { kind: 'event', output: result.output } };
  const answer: NonNullable<Settled['answer']> = result.kind === 'succeeded' ? { kind: 'succeeded', output: result.output } : { kind: 'failed', error: result.error, cause: result.cause };
  if (pattern === 'request') return { submission: { kind: 'none' }, answer };
  if (mocked) return { submission: { kind: 'mark' }, answer };
  if (result.kind === 'succeeded' && pattern === 'callback') return { submission: { kind: 'event', output: result.output } };
  if (result.submitted !== undefined) return { submission: { kind: 'event', output: result.submitted }, answer };
  // The call itself failed (a callback's or a `.sync` start): nothing was submitted.
  return { submission: { kind: 'mark' }, answer: answer.kind === 'failed' ? { ...answer, submitFailed: true } : answer };
}

/** TaskSubmitted's details and previousEventId: the task's TaskStarted, recorded right after its TaskScheduled. */
export function submittedEvent(task: IntegrationTask, output: unknown): { previousEventId: number; details: Record<string, unknown> } {
  return {
    previousEventId: task.scheduledEventId + 1,
    details: { ...taskEventNames(task.integration), output: JSON.stringify(output ?? null), outputDetails: { truncated: false } },
  };
}
