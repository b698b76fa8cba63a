import type { ActivityStore, QueuedTask } from './activities.js';
import type { ExecutionStore } from './executions.js';
import { executionId, keys } from './keys.js';
import { childNamePrefixOf } from './map-runs.js';
import type { Metrics } from './metrics.js';
import type { StepJob, StepQueue } from './queue.js';
import type { RedisHandle } from './redis.js';
import type { RunningIndex } from './running-index.js';
import { stopExecution } from './stop-execution.js';

/**
 * What a committed change of an execution obliges someone to do next (DESIGN.md rule 1). The
 * commit writes these to the execution's outbox in the same atomic step; whoever gets there
 * first carries them out (the committing process, a retried job, a reader, the reconciler),
 * and each one is idempotent, so carrying one out twice is harmless.
 */
export type Obligation =
  /** Enqueue a step job (deterministic id), due at `at` (epoch ms) or at once. */
  | { t: 'job'; job: StepJob; at?: number }
  /** Put an activity task on its activity's list, once per task nonce. */
  | { t: 'push'; a: string; n: string; task: QueuedTask }
  /** Stop a `.sync` child no task of this execution waits on any more, then forget its link. */
  | { t: 'stop'; n: string; c: string }
  /** List the execution under its state machine (ListExecutions, retention). */
  | { t: 'index'; m: string; n: string; s: number }
  /** The execution closed: it leaves the running index. */
  | { t: 'closed' }
  /** A map run started: its id leads to this execution (DescribeMapRun finds it), and its children's name prefix to its id. */
  | { t: 'mapRun'; id: string }
  /** An asynchronous Express execution ended: its keys go (AWS keeps no history of it). */
  | { t: 'forget' };

/** An obligation with its id in the outbox (unique per execution: the commit's version and a counter). */
export type OutboxEntry = [id: string, obligation: Obligation];

export function encodeObligations(entries: OutboxEntry[]): string[] {
  return entries.flatMap(([id, o]) => [id, JSON.stringify(o)]);
}

export function decodeOutbox(hash: Record<string, string>): OutboxEntry[] {
  return Object.entries(hash)
    .map(([id, text]): OutboxEntry => [id, JSON.parse(text) as Obligation])
    .sort(([a], [b]) => compareIds(a, b));
}

/** Ids are `<commit>.<n>`: carried out in the order they were created. */
function compareIds(a: string, b: string): number {
  const [ac, an] = a.split('.');
  const [bc, bn] = b.split('.');
  return ac === bc ? Number(an) - Number(bn) : ac!.localeCompare(bc!, 'en', { numeric: true });
}

/** Numbers one commit's obligations: `<commit>.<n>`. */
export function numbered(commit: string | number, obligations: Obligation[]): OutboxEntry[] {
  return obligations.map((o, n) => [`${commit}.${n}`, o]);
}

export interface OutboxDeps {
  handle: RedisHandle;
  executions: ExecutionStore;
  activities: ActivityStore;
  queue: StepQueue;
  now: () => number;
  running: RunningIndex;
  /** Counts executions a stop obligation aborts. */
  metrics?: Metrics;
}

/**
 * Carries out an execution's obligations and removes them from its outbox. Safe to run from
 * several processes at once and to be killed at any point: every obligation is idempotent and
 * leaves the outbox only once done.
 */
export class Outbox {
  constructor(private readonly deps: OutboxDeps) {}

  /**
   * Carries out these obligations of the execution, then removes them from its outbox. Leaving
   * the running index comes last, once everything else is done and removed: the index is how
   * the reconciler finds an outbox whose drainer died.
   */
  async drain(arn: string, entries: OutboxEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const outbox = keys.outbox(executionId(arn));
    const last = (o: Obligation) => o.t === 'closed' || o.t === 'forget';
    const first = entries.filter(([, o]) => !last(o));
    await Promise.all(first.filter(([, o]) => o.t !== 'stop').map(([, o]) => this.carryOut(arn, o)));
    // Stops one after another: each stop may reach further down a chain of `.sync` children.
    for (const [, o] of first) if (o.t === 'stop') await this.carryOut(arn, o);
    const closing = entries.filter(([, o]) => last(o));
    if (first.length > 0 && closing.length > 0) await this.deps.handle.run('settleOutbox', [outbox], first.map(([id]) => id));
    // `forget` removes the outbox with the rest of the execution; nothing is left to settle.
    if (closing.some(([, o]) => o.t === 'forget')) return this.forget(arn);
    for (const [, o] of closing) await this.carryOut(arn, o);
    await this.deps.handle.run('settleOutbox', [outbox], (closing.length > 0 ? closing : first).map(([id]) => id));
  }

  /** Carries out obligations that are not in the outbox (the reconciler's re-derived ones). */
  async perform(arn: string, obligations: Obligation[]): Promise<void> {
    await Promise.all(obligations.map((o) => this.carryOut(arn, o)));
  }

  private async carryOut(arn: string, o: Obligation): Promise<void> {
    const { queue, handle, now } = this.deps;
    switch (o.t) {
      case 'job':
        return queue.add(o.job, o.at === undefined ? 0 : Math.max(0, o.at - now()));
      case 'push':
        return this.deps.activities.pushOnce(o.a, o.n, o.task);
      case 'stop':
        return this.stopChild(arn, o.n, o.c);
      case 'index':
        await handle.redis.zadd(keys.stateMachineExecutions(o.m), 'NX', o.s, o.n);
        return;
      case 'closed':
        return this.leaveRunning(arn);
      case 'mapRun':
        // Its children's names lead to it by their prefix (see core's map-children.ts).
        await Promise.all([handle.redis.set(keys.mapRunExecution(o.id), arn), handle.redis.set(keys.mapRunOfChildren(childNamePrefixOf(o.id)), o.id)]);
        return;
      case 'forget':
        return this.forget(arn);
      default: {
        const unknown: never = o;
        throw new Error(`unknown obligation ${JSON.stringify(unknown)}`);
      }
    }
  }

  /**
   * Stops a `.sync` child (one closed already stays as it is, its own leftover obligations
   * carried out first), then forgets the parent's link to it.
   */
  private async stopChild(parentArn: string, nonce: string, child: string): Promise<void> {
    await stopExecution({ ...this.deps, outbox: this }, child);
    await this.deps.executions.unlinkChildren(parentArn, [nonce]);
  }

  private async forget(arn: string): Promise<void> {
    await this.deps.executions.forget(arn);
    await this.deps.running.remove(executionId(arn));
  }

  /**
   * Takes a closed execution out of the running index, then looks again: a redrive that came
   * meanwhile (it notes the execution before it commits) puts it back, so a redriven execution
   * is never left out.
   */
  async leaveRunning(arn: string): Promise<void> {
    await this.deps.running.remove(executionId(arn));
    if ((await this.deps.executions.status(arn)) === 'RUNNING') await this.deps.running.note(arn);
  }
}
