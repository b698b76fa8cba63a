/** The parts of the API's shapes the console reads (GetExecutionHistory, DescribeExecution, ...). */

export interface HistoryEvent {
  id: number;
  previousEventId?: number;
  type: string;
  timestamp: number | string;
  [details: string]: unknown;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  mapRunArn?: string;
  redriveCount?: number;
  redriveStatus?: string;
  redriveStatusReason?: string;
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
}
