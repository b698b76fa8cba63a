import { closeFromOutside } from '@redstep/core';
import { abandonedChildren, leftoverChildren, type ChildLink, type ExecutionStore } from './executions.js';
import { notifyParent } from './nested.js';
import type { Metrics } from './metrics.js';
import type { StepQueue } from './queue.js';

export interface StopDeps {
  executions: ExecutionStore;
  queue: StepQueue;
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
 * cause given, fenced like any step (if a worker commits meanwhile, read again and retry). A
 * waiting `.sync` parent is told; `.sync` children it waits on are stopped in turn (AWS stops a
 * nested job its Task no longer waits for). An execution already closed is left as it is, its
 * parent told again (a crash may have come between the close and the telling). Undefined when
 * the execution does not exist.
 */
export async function stopExecution(deps: StopDeps, arn: string, detail: { error?: string; cause?: string } = {}): Promise<StopOutcome | undefined> {
  for (;;) {
    const rec = await deps.executions.load(arn, { cursor: false });
    if (!rec) return undefined;
    if (rec.status !== 'RUNNING') {
      await notifyParent(deps.queue, rec);
      await stopChildren(deps, arn, leftoverChildren(rec));
      return { stopDate: rec.stopDate ?? deps.now() };
    }
    const now = deps.now();
    const result = closeFromOutside('abort', rec.seq, now, detail);
    if ((await deps.executions.commit(rec, result, now)) !== 'committed') continue;
    if (deps.metrics) {
      const labels = { state_machine: rec.stateMachineName, type: 'STANDARD' };
      deps.metrics.executionsAborted.inc(labels);
      deps.metrics.executionTime.observe({ ...labels, status: 'ABORTED' }, (now - rec.startDate) / 1000);
    }
    if (rec.parent) await notifyParent(deps.queue, await deps.executions.load(arn, { cursor: false }));
    await stopChildren(deps, arn, abandonedChildren(rec, result));
    return { stopDate: now };
  }
}

/**
 * Stops the `.sync` children no task of `parentArn` waits on any more (one that closed already
 * stays as it is), then forgets their links. A crash before the last step leaves the links for
 * a replay or a retried stop to finish.
 */
export async function stopChildren(deps: StopDeps, parentArn: string, links: ChildLink[]): Promise<void> {
  if (links.length === 0) return;
  for (const [, child] of links) {
    const rec = await deps.executions.load(child, { cursor: false });
    if (rec?.status === 'RUNNING') await stopExecution(deps, child);
    // Closed already (perhaps by a stop that died before reaching its own children): its
    // leftover links are finished before this link goes, or nothing would stop them.
    else if (rec) await stopChildren(deps, child, leftoverChildren(rec));
  }
  await deps.executions.unlinkChildren(parentArn, links.map(([nonce]) => nonce));
}
