import {
  childAnswer,
  decodeTaskToken,
  keys,
  parentJob,
  RunningIndex,
  waitingFrames,
  waitObligations,
  type DefinitionCache,
  type ExecutionRecord,
  type ExecutionStores,
  type Obligation,
  type StepJob,
} from '@redstep/store';

/** Executions looked at per shard per pass: a pass stays short however many are running. */
const BATCH = 100;
/** The longest a running execution goes between two looks. */
const MAX_LOOK_INTERVAL_MS = 15 * 60_000;

export interface ReconcilerDeps {
  stores: ExecutionStores;
  definitions: DefinitionCache;
  /** A running execution this long without a commit has what it waits for re-derived (ms). */
  idleMs: number;
  onRederived?: (rec: ExecutionRecord) => void;
}

/**
 * The safety net under the outbox (DESIGN.md rule 2): walks the running index, carries out any
 * obligation left in an execution's outbox, and for a running execution idle past a bound
 * re-derives from its cursor what each frame waits for (its job, its timer, its activity task,
 * its call, its time-outs) and enqueues it again. Everything it does is idempotent: a job that
 * exists is not added twice, an activity task is pushed once per token. One worker reconciles
 * at a time (a lease that lapses if it dies); each execution is looked at again later, less
 * often the longer it stays idle.
 */
export class Reconciler {
  constructor(private readonly deps: ReconcilerDeps) {}

  /** One pass; returns how many executions it looked at (0 when another worker holds the lease). */
  async pass(leaseMs: number): Promise<number> {
    const { handle } = this.deps.stores;
    if ((await handle.redis.set(keys.reconcileLease(), String(process.pid), 'PX', leaseMs, 'NX')) === null) return 0;
    let looked = 0;
    for (const shard of RunningIndex.shards()) {
      const ids = await this.deps.stores.running.due(shard, BATCH);
      for (const id of ids) await this.look(id);
      looked += ids.length;
    }
    return looked;
  }

  /** Looks at one execution of the running index. */
  async look(id: string): Promise<void> {
    const { executions, outbox, running, now } = this.deps.stores;
    const rec = await executions.loadId(id);
    if (!rec) {
      // Noted before a create that never came (or one that was removed), unless it has come since.
      await running.remove(id);
      if (await executions.loadId(id, { cursor: false })) await running.noteId(id);
      return;
    }
    if (rec.outbox) await outbox.drain(rec.arn, rec.outbox);
    if (rec.status !== 'RUNNING') return outbox.leaveRunning(rec.arn);
    const last = Math.max(rec.startDate, rec.redriveDate ?? 0, rec.lastCommit ?? 0);
    const idle = now() - last;
    if (idle >= this.deps.idleMs) {
      await outbox.perform(rec.arn, await this.waits(rec));
      this.deps.onRederived?.(rec);
    }
    // Idle executions are looked at less often the longer they wait (most wait on purpose).
    await running.later(id, now() + Math.min(MAX_LOOK_INTERVAL_MS, Math.max(this.deps.idleMs, idle)));
  }

  /** What a running execution waits for, re-derived from its record and cursor. */
  private async waits(rec: ExecutionRecord): Promise<Obligation[]> {
    const out: Obligation[] = [];
    if (!rec.cursor) {
      // Never stepped (its start job is gone): start it.
      out.push({ t: 'job', job: { k: 'start', e: rec.arn, w: 'start' } });
    } else {
      for (const waiting of waitingFrames(rec.cursor)) {
        const { suspension } = waiting;
        if (suspension.kind !== 'activity' && suspension.kind !== 'invoke') {
          out.push(...waitObligations(rec.arn, [waiting]));
          continue;
        }
        const nonce = decodeTaskToken(suspension.task.token)!.nonce;
        const state = rec.tasks[nonce]?.state;
        const answer = rec.tasks[nonce]?.answer;
        if (answer) {
          // Answered, and its job lost: apply the recorded answer.
          const job: StepJob = answer.kind === 'succeeded' ? { k: 'taskSucceeded', e: rec.arn, w: nonce, output: answer.output } : { k: 'taskFailed', e: rec.arn, w: nonce, ...answerDetail(answer) };
          out.push({ t: 'job', job });
          continue;
        }
        if (state === 'scheduled') {
          // Not handed out or called yet: push it (once per token) or call it, with its time-outs.
          out.push(...waitObligations(rec.arn, [waiting]).filter((o) => !isHeartbeat(o)));
          continue;
        }
        // Handed out or called: it ends by its answer or its time-out (a call in flight is not
        // made twice). A `.sync` child already closed answers again.
        const { timeoutSeconds, scheduledAt } = suspension.task;
        if (timeoutSeconds !== undefined) out.push({ t: 'job', job: { k: 'taskTimeout', e: rec.arn, w: nonce, heartbeat: false, n: 0 }, at: scheduledAt + timeoutSeconds * 1000 });
        const child = rec.children?.[nonce];
        if (child) out.push(...(await this.childAnswer(child)));
      }
    }
    const loaded = await this.deps.definitions.get(rec.definitionSha);
    const timeout = loaded?.definition.TimeoutSeconds;
    if (timeout !== undefined) {
      const wake = rec.redriveCount > 0 ? `timeout-r${rec.redriveCount}` : 'timeout';
      out.push({ t: 'job', job: { k: 'execTimeout', e: rec.arn, w: wake }, at: (rec.redriveDate ?? rec.startDate) + timeout * 1000 });
    }
    return out;
  }

  private async childAnswer(childArn: string): Promise<Obligation[]> {
    const child = await this.deps.stores.executions.load(childArn, { cursor: false });
    const pattern = child?.parent?.pattern;
    if (!child || (pattern !== 'sync' && pattern !== 'sync2') || !childAnswer(child, pattern)) return [];
    const job = parentJob(child);
    return job ? [{ t: 'job', job }] : [];
  }
}

function answerDetail(answer: { error?: string; cause?: string; submitFailed?: true }): { error?: string; cause?: string; sf?: true } {
  const detail: { error?: string; cause?: string; sf?: true } = {};
  if (answer.error !== undefined) detail.error = answer.error;
  if (answer.cause !== undefined) detail.cause = answer.cause;
  if (answer.submitFailed) detail.sf = true;
  return detail;
}

/**
 * Heartbeat checks re-arm themselves while the task is pending; starting a second chain would
 * only double them, so a re-derived task gets its overall time-out only.
 */
const isHeartbeat = (o: Obligation) => o.t === 'job' && o.job.k === 'taskTimeout' && o.job.heartbeat;
