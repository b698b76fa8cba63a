import type { Cursor, ExecutionInfo } from './types.js';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The parsed execution input, once per execution object: every state of a step (10,000 Map
 * iterations, say) builds a context, and parsing a large input each time made big Maps
 * quadratic. The interpreter never mutates values in place, so sharing the parse is safe.
 */
const parsedInputs = new WeakMap<ExecutionInfo, unknown>();

function executionInput(execution: ExecutionInfo): unknown {
  if ('inputValue' in execution) return execution.inputValue;
  if (!parsedInputs.has(execution)) parsedInputs.set(execution, JSON.parse(execution.input));
  return parsedInputs.get(execution);
}

/** The context object (`$$`) a state sees. */
export function contextObject(execution: ExecutionInfo, cursor: Cursor, taskToken?: string, retryable = false): Record<string, unknown> {
  const state: Record<string, unknown> = { EnteredTime: iso(cursor.enteredTime), Name: cursor.state };
  // AWS counts retries only for the states that can have a Retry field.
  if (retryable) state.RetryCount = cursor.attempts.reduce((a, b) => a + b, 0);
  const run: Record<string, unknown> = {
    Id: execution.arn,
    Input: executionInput(execution),
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
