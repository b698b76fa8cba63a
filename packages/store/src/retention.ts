import { executionIdOf, keys, machineOfExecutionIndex } from './keys.js';
import { childNamePrefixOf } from './map-runs.js';
import type { Metrics } from './metrics.js';
import { scanKeys, type RedisHandle } from './redis.js';

const CLOSED = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);
/** Index entries read per round trip. */
const BATCH = 200;

/**
 * Removes executions closed longer ago than the retention period (AWS keeps them 90 days),
 * so Redis holds a bounded history. Index entries are scored by start time, so only entries
 * started before the cutoff are read; those still running stay and are looked at again later.
 * Every removal is idempotent (data keys first, the index entry last), so sweeps may overlap,
 * run on every worker, and be killed at any point.
 */
export class RetentionSweeper {
  constructor(
    private readonly h: RedisHandle,
    private readonly retentionMs: number,
    private readonly metrics?: Metrics,
    private readonly now: () => number = Date.now,
  ) {}

  private discovered = false;

  /**
   * One pass over every state machine's executions; returns how many were removed. One worker
   * sweeps per round (a lease that lapses if it dies); the others return 0 at once.
   */
  async sweep(leaseMs = sweepIntervalMs(this.retentionMs)): Promise<number> {
    const { redis } = this.h;
    if (!this.discovered) {
      await this.discoverIndexes();
      this.discovered = true;
    }
    if ((await redis.set(keys.retentionSweep(), String(process.pid), 'PX', Math.max(1, leaseMs - 100), 'NX')) === null) return 0;
    const [remembered, live] = await Promise.all([redis.smembers(keys.indexedMachines()), redis.zrange(keys.stateMachines(), '0', '-1')]);
    let removed = 0;
    for (const machine of new Set([...remembered, ...live])) removed += await this.sweepMachine(machine);
    return removed;
  }

  private async sweepMachine(machine: string): Promise<number> {
    const { redis } = this.h;
    const index = keys.stateMachineExecutions(machine);
    const cutoff = this.now() - this.retentionMs;
    let kept = 0;
    let removed = 0;
    for (;;) {
      const names = await redis.zrangebyscore(index, '-inf', cutoff, 'LIMIT', kept, BATCH);
      if (names.length === 0) break;
      const states = await Promise.all(names.map((name) => redis.hmget(keys.execution(executionIdOf(machine, name)), 'status', 'stopDate')));
      for (const [i, name] of names.entries()) {
        const [status, stopDate] = states[i]!;
        // No record: removed by an earlier sweep that died before its last step.
        const gone = status === null || (CLOSED.has(status) && Number(stopDate) < cutoff);
        if (!gone || !(await this.remove(machine, name, cutoff))) {
          kept++;
          continue;
        }
        removed++;
      }
      if (names.length < BATCH) break;
    }
    if (removed > 0) this.metrics?.executionsExpired.inc(removed);
    if (kept === 0 && (await redis.zcard(index)) === 0 && !(await redis.exists(keys.stateMachine(machine)))) {
      await redis.srem(keys.indexedMachines(), machine);
      // Created again meanwhile: remember it again.
      if (await redis.exists(keys.stateMachine(machine))) await redis.sadd(keys.indexedMachines(), machine);
    }
    return removed;
  }

  /**
   * Once a day per Redis (a marker says it was done): remembers the indexes of machines deleted before
   * machines were remembered at creation (data of an earlier RedStep), so their executions are
   * swept too. A worker killed part-way leaves no marker; the next one scans again.
   */
  private async discoverIndexes(): Promise<void> {
    const { redis } = this.h;
    if (await redis.exists(keys.indexesDiscovered())) return;
    for await (const batch of scanKeys(redis, keys.stateMachineExecutionsMatch())) {
      if (batch.length > 0) await redis.sadd(keys.indexedMachines(), ...batch.map(machineOfExecutionIndex));
    }
    // Good for a day: older processes still running through a rolling upgrade may add indexes
    // the scan has not seen.
    await redis.set(keys.indexesDiscovered(), String(this.now()), 'EX', 86_400);
  }

  /** Removes one execution unless it was redriven since it was read (then false). */
  private async remove(machine: string, name: string, cutoff: number): Promise<boolean> {
    const { redis } = this.h;
    const id = executionIdOf(machine, name);
    // Status and stop date checked again in the step that deletes: a redrive may have come since.
    const own = [keys.execution(id), keys.history(id), keys.executionMeta(id), keys.cursor(id), keys.mapRunLimits(id), keys.outbox(id)];
    if ((await this.h.run('expireExecution', own, [cutoff])) !== 1) return false;
    // Map runs are found by their own id too: those keys go before the hash that names them.
    const mapRuns = await redis.hkeys(keys.mapRuns(id));
    // One DEL each: every pointer has a hash tag of its own (a cluster refuses a cross-slot DEL).
    await Promise.all(mapRuns.flatMap((run) => [redis.del(keys.mapRunExecution(run)), redis.del(keys.mapRunOfChildren(childNamePrefixOf(run)))]));
    // The map runs' children go with them.
    await redis.del(keys.mapRunChildren(id));
    await redis.del(keys.mapRuns(id));
    await redis.zrem(keys.stateMachineExecutions(machine), name);
    // The name started a new execution between the delete and this (names are free again once
    // forgotten): give the new one its index entry back.
    const start = await redis.hget(keys.execution(id), 'start');
    if (start !== null) await redis.zadd(keys.stateMachineExecutions(machine), 'NX', Number(start), name);
    return true;
  }
}

/** How often a worker sweeps: a tenth of the retention period, between one second and ten minutes. */
export function sweepIntervalMs(retentionMs: number): number {
  return Math.min(600_000, Math.max(1_000, Math.floor(retentionMs / 10)));
}
