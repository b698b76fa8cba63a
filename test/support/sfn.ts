import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/redstep-test';

export function client(endpoint: string): SFNClient {
  return new SFNClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    // TestState and StartSyncExecution otherwise go to a `sync-` host prefix of the endpoint.
    disableHostPrefix: true,
    requestHandler: { requestTimeout: 70_000 },
  });
}

/** A client for many long polls at once: its own agent, with a socket for each. */
export function pollingClient(endpoint: string, sockets: number): SFNClient {
  return new SFNClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: { requestTimeout: 70_000, httpAgent: new Agent({ keepAlive: true, maxSockets: sockets }) },
  });
}

/** Polls DescribeExecution until the execution leaves RUNNING (or the time runs out). */
export async function waitForEnd(sfn: SFNClient, executionArn: string, timeoutMs = 30_000): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING' || Date.now() > deadline) return d;
    await sleep(50);
  }
}

export async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

let counter = 0;
/** Unique resource names per test run. */
export const uniqueName = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
