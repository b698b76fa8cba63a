import { allShards, executionId, keys, shardOf } from './keys.js';
import type { RedisHandle } from './redis.js';

/**
 * Executions that may be running, each with when the reconciler should next look at it. An
 * execution is noted before it is created or redriven (an entry without its execution is
 * harmless: the reconciler drops it) and leaves when its close is carried out. Before a change
 * made outside a job (a stop, a redrive) the entry is brought forward, so if the process dies
 * before carrying out what the change obliges, the reconciler does it soon.
 */
export class RunningIndex {
  constructor(
    private readonly h: RedisHandle,
    /** How long after an execution is noted the reconciler first looks at it (ms). */
    readonly firstLookMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Notes an execution (an existing entry keeps its time). */
  async note(arn: string): Promise<void> {
    await this.noteId(executionId(arn));
  }

  async noteId(id: string): Promise<void> {
    await this.h.redis.zadd(keys.runningIndex(shardOf(id)), 'NX', this.now() + this.firstLookMs, id);
  }

  /** The reconciler looks at this execution within `ms` (a change outside a job is coming). */
  async lookSoon(arn: string, ms: number): Promise<void> {
    const id = executionId(arn);
    await this.h.redis.zadd(keys.runningIndex(shardOf(id)), 'LT', this.now() + ms, id);
  }

  /** Execution ids due for a look on one shard, oldest first. */
  async due(shard: number, limit: number): Promise<string[]> {
    return this.h.redis.zrangebyscore(keys.runningIndex(shard), '-inf', this.now(), 'LIMIT', 0, limit);
  }

  /** The next look at an execution (only if it is still in the index). */
  async later(id: string, at: number): Promise<void> {
    await this.h.redis.zadd(keys.runningIndex(shardOf(id)), 'XX', at, id);
  }

  async remove(id: string): Promise<void> {
    await this.h.redis.zrem(keys.runningIndex(shardOf(id)), id);
  }

  /** Every shard's number: the index has one set per shard, under the shard's tag. */
  static shards(): number[] {
    return allShards();
  }
}
