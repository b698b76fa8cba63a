import type { ExecutionInfo } from './types.js';

/** The execution the interpreter's unit tests run in: machine `m`, execution `e`, started at 0. */
export function testExecution(input: unknown = {}, extra: Partial<ExecutionInfo> = {}): ExecutionInfo {
  return {
    arn: 'arn:aws:states:us-east-1:123456789012:execution:m:e',
    name: 'e',
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m',
    stateMachineName: 'm',
    roleArn: 'arn:aws:iam::123456789012:role/r',
    startTime: 0,
    input: JSON.stringify(input),
    redriveCount: 0,
    ...extra,
  };
}
