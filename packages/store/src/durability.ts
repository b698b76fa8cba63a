import type { Logger } from './log.js';
import type { RedisHandle } from './redis.js';

/** How long an acknowledgement waits for the disk or a replica before it is refused. */
const WAIT_TIMEOUT_MS = 2_000;
/** How often the number of replicas is read again (a replica may join or leave). */
const REPLICA_CHECK_MS = 30_000;

/** Thrown when strict durability could not be reached in time: the caller answers a 5xx, and a client retries. */
export class NotDurable extends Error {}

/**
 * What an acknowledgement means on disk (REDSTEP_DURABILITY). `everysec`: the answer goes as
 * soon as Redis has the write, which its AOF fsyncs within a second (a power loss can lose
 * that second). `strict`: the answer waits until the write is on disk, and on every replica
 * configured: with `appendfsync always` Redis fsyncs before it answers; otherwise WAITAOF
 * (Redis 7.2 and later) waits for the fsync; WAIT waits for the replicas. WAITAOF and WAIT
 * count the writes of the connection that calls them, which is the process's shared one.
 */
export class Durability {
  private waitAof = false;
  private replicas = 0;
  private checked = 0;
  private warned = false;

  constructor(
    private readonly h: RedisHandle,
    readonly mode: 'everysec' | 'strict',
    private readonly log?: Logger,
  ) {}

  /** Resolves once what this process wrote so far is as durable as the mode asks. */
  async acknowledge(): Promise<void> {
    if (this.mode !== 'strict') return;
    if (Date.now() - this.checked > REPLICA_CHECK_MS) await this.inspect();
    if (this.waitAof) {
      const [local] = (await this.h.redis.call('WAITAOF', 1, 0, WAIT_TIMEOUT_MS)) as [number, number];
      if (local < 1) throw new NotDurable('the write was not fsynced to the AOF in time');
    }
    if (this.replicas > 0) {
      const acked = (await this.h.redis.call('WAIT', this.replicas, WAIT_TIMEOUT_MS)) as number;
      if (acked < this.replicas) throw new NotDurable(`the write reached ${acked} of ${this.replicas} replicas in time`);
    }
  }

  /** Reads how this Redis persists writes: its fsync policy, its version, its replicas. */
  private async inspect(): Promise<void> {
    this.checked = Date.now();
    if (this.h.mode === 'cluster') {
      // WAIT and WAITAOF count one connection's writes on one node; a cluster client spreads
      // writes over masters, so the per-master policy (appendfsync always) has to carry it.
      if (!this.warned) this.log?.warn({}, 'strict durability on Redis Cluster relies on appendfsync always on every master; acknowledgements do not WAIT');
      this.warned = true;
      return;
    }
    const info = await this.h.redis.info();
    const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
    this.replicas = Number(field('connected_slaves') ?? 0);
    let fsync: string | undefined;
    try {
      fsync = ((await this.h.redis.config('GET', 'appendfsync')) as string[])[1];
    } catch {
      fsync = undefined; // CONFIG is often disabled on a managed Redis
    }
    const aof = field('aof_enabled') === '1';
    const [major = 0, minor = 0] = (field('redis_version') ?? '0').split('.').map(Number);
    const hasWaitAof = major > 7 || (major === 7 && minor >= 2);
    this.waitAof = aof && fsync !== 'always' && hasWaitAof;
    if (this.warned) return;
    this.warned = true;
    if (!aof) this.log?.warn({}, 'strict durability: this Redis has no AOF, so no acknowledged write survives its restart');
    else if (fsync !== 'always' && !hasWaitAof) {
      this.log?.warn({ appendfsync: fsync ?? 'unknown', redisVersion: field('redis_version') }, 'strict durability needs appendfsync always, or Redis 7.2+ for WAITAOF: here acknowledgements cannot wait for the disk');
    }
  }
}
