import type { HistoryEvent } from '@redstep/core';
import { scopedName, scopeOfArn } from './keys.js';
import type { ExecutionRecord, ExecutionStore, ParentLink } from './executions.js';
import type { StepQueue } from './queue.js';
import type { RunningIndex } from './running-index.js';
import type { StateMachineStore } from './state-machines.js';

/** What an execution runs: the machine, the definition and role it starts with, and the version or alias it came through. */
export interface StartTarget {
  stateMachineArn: string;
  stateMachineName: string;
  definitionSha: string;
  roleArn: string;
  versionArn?: string;
  aliasArn?: string;
}

export interface StartRequest {
  target: StartTarget;
  arn: string;
  name: string;
  input: string;
  now: number;
  /**
   * Who asked: the same origin finds its own execution again (a replayed request or job). A
   * nested start passes its parent task's nonce, so a replayed `invoke` job starts its child once.
   */
  origin: string;
  testCase?: string;
  parent?: ParentLink;
}

export interface StartDeps {
  executions: ExecutionStore;
  stateMachines: StateMachineStore;
  queue: StepQueue;
  running: RunningIndex;
}

/**
 * The outcome of a start: `started` (this request or an earlier one of the same origin created it),
 * `running` (another origin started it with the same input and it still runs: AWS answers that
 * execution again) or `exists` (ExecutionAlreadyExists).
 */
export type StartOutcome = { kind: 'started' | 'running'; startDate: number } | { kind: 'exists' };

/**
 * Starts an execution as StartExecution does: the record and its ExecutionStarted event, enqueued
 * first with the record (a crash between a write and an enqueue would leave an execution nobody
 * runs; whichever of the caller and the start job comes first creates it), then created. Its
 * index entries (the listing, the running index) are harmless without it, so they are written
 * before it rather than after (listing and the reconciler skip a name whose execution is
 * missing), in the same round trip. Shared by the StartExecution action and the
 * `states:startExecution` Task.
 */
export async function startExecutionRecord(deps: StartDeps, req: StartRequest): Promise<StartOutcome> {
  const { target, arn, name, input, now } = req;
  const rec: ExecutionRecord = {
    arn,
    name,
    stateMachineArn: target.stateMachineArn,
    stateMachineName: target.stateMachineName,
    status: 'RUNNING',
    input,
    startDate: now,
    definitionSha: target.definitionSha,
    roleArn: target.roleArn,
    seq: 1,
    wake: 'start',
    tasks: {},
    redriveCount: 0,
    origin: req.origin,
  };
  if (req.testCase !== undefined) rec.testCase = req.testCase;
  if (req.parent) rec.parent = req.parent;
  const details: Record<string, unknown> = { input, inputDetails: { truncated: false }, roleArn: target.roleArn };
  if (target.versionArn) {
    rec.stateMachineVersionArn = target.versionArn;
    details.stateMachineVersionArn = target.versionArn;
  }
  if (target.aliasArn) {
    rec.stateMachineAliasArn = target.aliasArn;
    details.stateMachineAliasArn = target.aliasArn;
  }
  const started: HistoryEvent = {
    id: 1,
    previousEventId: 0,
    timestamp: now,
    type: 'ExecutionStarted',
    executionStartedEventDetails: details as HistoryEvent['executionStartedEventDetails'],
  };
  await deps.queue.add({ k: 'start', e: arn, w: 'start', create: { record: rec, started } });
  const existing = await createIndexed(deps, rec, started);
  if (existing && existing.origin !== rec.origin) {
    // Same name and input while RUNNING returns the running execution (AWS's idempotency rule).
    if (existing.status === 'RUNNING' && existing.input === input) {
      const again = await deps.executions.load(arn);
      return { kind: 'running', startDate: again?.startDate ?? now };
    }
    return { kind: 'exists' };
  }
  if (existing) {
    // Ours from an earlier attempt: answer with its start date.
    const again = await deps.executions.load(arn);
    return { kind: 'started', startDate: again?.startDate ?? now };
  }
  return { kind: 'started', startDate: now };
}

/**
 * Writes a new execution's index entries, then the execution (one round trip: the commands go in
 * this order). Express executions are not listed (ListExecutions does not cover them on AWS).
 */
export async function createIndexed(deps: StartDeps, rec: ExecutionRecord, started: HistoryEvent) {
  const [, , existing] = await Promise.all([
    rec.arn.includes(':express:') ? undefined : deps.stateMachines.indexExecution(scopedName(scopeOfArn(rec.arn), rec.stateMachineName), rec.name, rec.startDate),
    deps.running.note(rec.arn),
    deps.executions.create(rec, started),
  ]);
  return existing;
}
