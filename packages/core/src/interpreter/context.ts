import type { Cursor, ExecutionInfo } from './types.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** The context object (`$$`) a state sees. */
export function contextObject(execution: ExecutionInfo, cursor: Cursor, taskToken?: string, retryable = false): Record<string, unknown> {
  const state: Record<string, unknown> = { EnteredTime: iso(cursor.enteredTime), Name: cursor.state };
  // AWS counts retries only for the states that can have a Retry field.
  if (retryable) state.RetryCount = cursor.attempts.reduce((a, b) => a + b, 0);
  const run: Record<string, unknown> = {
    Id: execution.arn,
    Input: JSON.parse(execution.input),
    Name: execution.name,
    RoleArn: execution.roleArn,
    StartTime: iso(execution.startTime),
  };
  if (!execution.express) run.RedriveCount = execution.redriveCount;
  const ctx: Record<string, unknown> = {
    Execution: run,
    State: state,
    StateMachine: { Id: execution.stateMachineArn, Name: execution.stateMachineName },
  };
  if (taskToken !== undefined) ctx.Task = { Token: taskToken };
  return ctx;
}
