import { keys, scopedNameOfArn, splitScopedName } from './keys.js';
import type { RedisHandle } from './redis.js';
import { createIfAbsent, pageIndex } from './resources.js';

export interface ActivityRecord {
  arn: string;
  name: string;
  createdAt: number;
}

/** A scheduled task as it sits in an activity's list. */
export interface QueuedTask {
  token: string;
  input: string;
  /** When the task was scheduled (epoch ms), for the schedule-time metric. */
  at?: number;
}

/**
 * Activities by scoped name (see `scopedName`): the bare name in the home scope, prefixed with the
 * account and region in any other. A record keeps its bare name and its ARN.
 */
export class ActivityStore {
  constructor(private readonly h: RedisHandle) {}

  async create(rec: ActivityRecord): Promise<ActivityRecord | undefined> {
    const key = scopedNameOfArn(rec.arn);
    const existing = await createIfAbsent(this.h, keys.activity(key), { arn: rec.arn, name: rec.name, created: String(rec.createdAt) });
    if (existing) return { arn: existing.arn!, name: existing.name!, createdAt: Number(existing.created) };
    const { prefix } = splitScopedName(key);
    if (prefix !== '') await this.h.redis.sadd(keys.activityScopes(), prefix);
    await this.h.redis.zadd(keys.activities(prefix), rec.createdAt, key);
    return undefined;
  }

  /** The scoped names of every scope's activities (recovery walks them all). */
  private async allNames(): Promise<string[]> {
    const prefixes = ['', ...(await this.h.redis.smembers(keys.activityScopes()))];
    return (await Promise.all(prefixes.map((p) => this.h.redis.zrange(keys.activities(p), '0', '-1')))).flat();
  }

  /** `name` is the scoped name, here and below. */
  async get(name: string): Promise<ActivityRecord | undefined> {
    const f = await this.h.redis.hgetall(keys.activity(name));
    return f.arn ? { arn: f.arn, name: f.name!, createdAt: Number(f.created) } : undefined;
  }

  async exists(name: string): Promise<boolean> {
    return (await this.h.redis.exists(keys.activity(name))) === 1;
  }

  async delete(name: string): Promise<void> {
    await this.h.redis.del(keys.activity(name), keys.activityTasks(name), keys.activityHandout(name), keys.activityPushed(name));
    await this.h.redis.zrem(keys.activities(splitScopedName(name).prefix), name);
  }

  /** A page of one scope's activities (`prefix` as `scopePrefix` gives it: '' for the home scope). */
  async page(offset: number, limit: number, prefix = ''): Promise<{ items: ActivityRecord[]; more: boolean }> {
    const { members, more } = await pageIndex(this.h, keys.activities(prefix), offset, limit);
    const items = (await Promise.all(members.map((m) => this.get(m)))).filter((r): r is ActivityRecord => !!r);
    return { items, more };
  }

  /**
   * Tasks waiting for a poller, per activity (scoped name; the first `limit` activities over every
   * scope), for the metrics sampler.
   */
  async waitingCounts(limit = 200): Promise<Record<string, number>> {
    const prefixes = ['', ...(await this.h.redis.smembers(keys.activityScopes()))];
    const names = (await Promise.all(prefixes.map((p) => this.h.redis.zrange(keys.activities(p), '0', String(limit - 1))))).flat().slice(0, limit);
    const counts = await Promise.all(names.map((n) => this.h.redis.llen(keys.activityTasks(n))));
    return Object.fromEntries(names.map((n, i) => [n, counts[i]!]));
  }

  /**
   * Hands a task to the activity's pollers, once per task nonce whoever pushes it (see
   * pushActivityTask.lua). A stale entry is harmless all the same: starting a task is fenced.
   */
  async pushOnce(name: string, nonce: string, task: QueuedTask): Promise<void> {
    await this.h.run('pushActivityTask', [keys.activityTasks(name), keys.activityPushed(name)], [nonce, JSON.stringify(task), keys.activityReady()]);
  }

  /**
   * Takes up to `n` tasks for as many waiting polls, without blocking. Each moves to the
   * hand-out list in the same step, so a process killed before it records the hand-out
   * (`handedOut`) loses nothing: `requeueStuck` puts it back. `raw` is the entry as stored.
   */
  async take(name: string, n: number): Promise<{ task: QueuedTask; raw: string }[]> {
    const raws = (await this.h.run('takeActivityTasks', [keys.activityTasks(name), keys.activityHandout(name)], [n])) as string[];
    return raws.map((raw) => ({ task: JSON.parse(raw) as QueuedTask, raw }));
  }

  /** The hand-out of a taken task is recorded (or the task was stale): it leaves the hand-out list and its pushed marker goes. */
  async handedOut(name: string, raw: string, nonce: string): Promise<void> {
    await this.h.run('handedOut', [keys.activityHandout(name), keys.activityPushed(name)], [raw, nonce]);
  }

  /** Taken tasks whose pollers are gone go back to the head of the task list, in their order. */
  async putBack(name: string, raws: string[]): Promise<void> {
    await this.h.run('requeueHandout', [keys.activityTasks(name), keys.activityHandout(name)], [keys.activityReady(), ...raws]);
  }

  /**
   * One round of recovery: entries in hand-out lists that were there in the previous round too
   * (taking and recording are milliseconds apart) go back to their task lists. `seen` carries
   * the entries of this round to the next. Returns how many were put back, by activity.
   */
  async requeueStuck(seen: Map<string, Set<string>>): Promise<Record<string, number>> {
    const names = await this.allNames();
    const lists = await Promise.all(names.map((n) => this.h.redis.lrange(keys.activityHandout(n), '0', '999')));
    const requeued: Record<string, number> = {};
    for (const [i, name] of names.entries()) {
      const now = new Set(lists[i]);
      const before = seen.get(name);
      const stuck = before ? [...now].filter((raw) => before.has(raw)) : [];
      if (stuck.length > 0) requeued[name] = Number(await this.h.run('requeueHandout', [keys.activityTasks(name), keys.activityHandout(name)], [keys.activityReady(), ...stuck]));
      if (now.size > 0) seen.set(name, now);
      else seen.delete(name);
    }
    return requeued;
  }
}
