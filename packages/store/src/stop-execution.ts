import { closeFromOutside } from '@redstep/core';
import type { ExecutionStore } from './executions.js';
import type { Metrics } from './metrics.js';
import { numbered, type Outbox } from './outbox.js';
import { stepObligations } from './step-obligations.js';

export interface StopDeps {
  executions: ExecutionStore;
  outbox: Outbox;
  now: () => number;
  /** Counts every execution this stops (children included) as aborted. */
  metrics?: Metrics;
}

/** How a stop ended: when the execution stopped (now, or earlier if it had closed already). */
export interface StopOutcome {
  stopDate: number;
}

/**
 * Stops a running Standard execution as StopExecution does: ExecutionAborted with the error and
 * cause given, fenced like any step (if a worker commits meanwhile, read again and retry). The
 * same commit obliges the rest: a waiting `.sync` parent is told, `.sync` children it waits on
 * are stopped in turn (AWS stops a nested job its Task no longer waits for); those obligations
 * are carried out before the answer. An execution already closed is left as it is, with any
 * obligation of its close still waiting carried out. Undefined when the execution does not exist.
 */
export async function stopExecution(deps: StopDeps, arn: string, detail: { error?: string; cause?: string } = {}): Promise<StopOutcome | undefined> {
  for (;;) {
    const rec = await deps.executions.load(arn, { cursor: false });
    if (!rec) return undefined;
    if (rec.outbox) await deps.outbox.drain(arn, rec.outbox);
    if (rec.status !== 'RUNNING') return { stopDate: rec.stopDate ?? deps.now() };
    const now = deps.now();
    const result = closeFromOutside('abort', rec.seq, now, detail);
    const version = rec.version ?? 0;
    const outbox = numbered(version + 1, stepObligations(rec, result, now));
    const committed = await deps.executions.commit(rec, result, now, { commitId: `stop@${version}`, outbox });
    if (committed !== 'committed') continue; // moved meanwhile, or made before (its obligations are read again)
    if (deps.metrics) {
      const labels = { state_machine: rec.stateMachineName, type: 'STANDARD' };
      deps.metrics.executionsAborted.inc(labels);
      deps.metrics.executionTime.observe({ ...labels, status: 'ABORTED' }, (now - rec.startDate) / 1000);
    }
    await deps.outbox.drain(arn, outbox);
    return { stopDate: now };
  }
}
