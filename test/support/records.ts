import type { HistoryEvent } from '@redstep/core';
import type { ExecutionRecord } from '@redstep/store';

/** A Standard execution's stored record, for tests that write straight through the store. */
export function executionRecord(machine: string, name: string, extra: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    arn: `arn:aws:states:us-east-1:123456789012:execution:${machine}:${name}`,
    name,
    stateMachineArn: `arn:aws:states:us-east-1:123456789012:stateMachine:${machine}`,
    stateMachineName: machine,
    status: 'RUNNING',
    input: '{}',
    startDate: Date.now(),
    definitionSha: 'sha',
    roleArn: 'arn:aws:iam::123456789012:role/r',
    seq: 1,
    wake: 'start',
    tasks: {},
    redriveCount: 0,
    ...extra,
  };
}

/** Its ExecutionStarted event. */
export function startedEvent(timestamp = Date.now()): HistoryEvent {
  return { id: 1, previousEventId: 0, timestamp, type: 'ExecutionStarted', executionStartedEventDetails: { input: '{}' } } as HistoryEvent;
}
