import type { PendingTask, TaskIntegration } from '@redstep/core';
import type { ExecutionRecord } from '@redstep/store';

/** One service call a Task asks for. */
export interface InvokeCall {
  task: PendingTask & { integration: TaskIntegration };
  /** The Task's effective input (Parameters / Arguments): the call's request. */
  request: unknown;
  execution: ExecutionRecord;
}

/**
 * The call's outcome. `pending` when the answer comes later (a `.sync` job), with the submitting
 * call's response (TaskSubmitted's output). `submitted` is that response when the job it started
 * has answered already (a `.sync` child that closed before the call returned).
 */
export type InvokeResult =
  | { kind: 'succeeded'; output: unknown; submitted?: unknown }
  | { kind: 'failed'; error: string; cause: string; submitted?: unknown }
  | { kind: 'pending'; output: unknown };

export interface Integration {
  /** Patterns the integration supports beyond request-response. */
  readonly patterns: readonly TaskIntegration['pattern'][];
  invoke(call: InvokeCall): Promise<InvokeResult>;
}

export const failed = (error: string, cause: string): InvokeResult => ({ kind: 'failed', error, cause });

/** A request object's member, or undefined; the request itself must be a JSON object. */
export function requestObject(request: unknown): Record<string, unknown> | undefined {
  return typeof request === 'object' && request !== null && !Array.isArray(request) ? (request as Record<string, unknown>) : undefined;
}
