import type { ExecutionRecord } from './executions.js';
import type { StepJob } from './queue.js';

/**
 * Nested executions (`arn:aws:states:::states:startExecution[.sync|.sync:2]`): the answers a
 * waiting parent Task gets when its child closes, shaped as AWS shapes them.
 */

/**
 * The child as the `.sync` patterns report it: DescribeExecution's members in PascalCase, keys
 * in alphabetical order, dates in epoch milliseconds; `.sync` keeps Input and Output as JSON
 * text, `.sync:2` parses them.
 */
export function describeForParent(rec: ExecutionRecord, pattern: 'sync' | 'sync2'): Record<string, unknown> {
  const parse = (text: string): unknown => {
    if (pattern === 'sync') return text;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  };
  const out: Record<string, unknown> = {};
  if (rec.cause !== undefined) out.Cause = rec.cause;
  if (rec.error !== undefined) out.Error = rec.error;
  out.ExecutionArn = rec.arn;
  out.Input = parse(rec.input);
  out.InputDetails = { Included: true };
  out.Name = rec.name;
  if (rec.output !== undefined) {
    out.Output = parse(rec.output);
    out.OutputDetails = { Included: true };
  }
  out.RedriveCount = rec.redriveCount;
  if (rec.redriveDate !== undefined) out.RedriveDate = rec.redriveDate;
  if (rec.status === 'SUCCEEDED') {
    out.RedriveStatus = 'NOT_REDRIVABLE';
    out.RedriveStatusReason = 'Execution is SUCCEEDED and cannot be redriven';
  } else if (rec.status === 'RUNNING') {
    out.RedriveStatus = 'NOT_REDRIVABLE';
    out.RedriveStatusReason = 'Execution is RUNNING and cannot be redriven';
  } else {
    out.RedriveStatus = 'REDRIVABLE';
  }
  out.StartDate = rec.startDate;
  if (rec.stateMachineAliasArn !== undefined) out.StateMachineAliasArn = rec.stateMachineAliasArn;
  out.StateMachineArn = rec.stateMachineArn;
  if (rec.stateMachineVersionArn !== undefined) out.StateMachineVersionArn = rec.stateMachineVersionArn;
  out.Status = rec.status;
  if (rec.stopDate !== undefined) out.StopDate = rec.stopDate;
  return out;
}

/** A closed child's answer to its `.sync` parent task: its description, or States.TaskFailed with it as the cause. */
export type ChildAnswer = { kind: 'succeeded'; output: unknown } | { kind: 'failed'; error: string; cause: string };

export function childAnswer(rec: ExecutionRecord, pattern: 'sync' | 'sync2'): ChildAnswer | undefined {
  if (rec.status === 'RUNNING' || rec.status === 'PENDING_REDRIVE') return undefined;
  const described = describeForParent(rec, pattern);
  if (rec.status === 'SUCCEEDED') return { kind: 'succeeded', output: described };
  return { kind: 'failed', error: 'States.TaskFailed', cause: JSON.stringify(described) };
}

/** The job that answers the parent's waiting task, or undefined when no parent waits for this execution to close. */
export function parentJob(rec: ExecutionRecord): StepJob | undefined {
  const parent = rec.parent;
  if (!parent || (parent.pattern !== 'sync' && parent.pattern !== 'sync2')) return undefined;
  const answer = childAnswer(rec, parent.pattern);
  if (!answer) return undefined;
  if (answer.kind === 'succeeded') return { k: 'taskSucceeded', e: parent.arn, w: parent.nonce, output: JSON.stringify(answer.output) };
  return { k: 'taskFailed', e: parent.arn, w: parent.nonce, error: answer.error, cause: answer.cause };
}

/** A child's default name: the parent task's nonce as a UUID, so a replayed start finds the same child. */
export function childNameFromNonce(nonce: string): string {
  return `${nonce.slice(0, 8)}-${nonce.slice(8, 12)}-${nonce.slice(12, 16)}-${nonce.slice(16, 20)}-${nonce.slice(20, 32)}`;
}
