import type { Redis } from 'ioredis';
import { keys } from './keys.js';
import type { RedisHandle } from './redis.js';

/** A published state machine version: an immutable snapshot of one revision. */
export interface VersionRecord {
  /** The version number: counts up per machine and is never reused. */
  n: number;
  /** Definition hash (the text lives under keys.definition). */
  sha: string;
  role: string;
  /** The revision the version was published from; '' for the machine's first (unnamed) revision. */
  rev: string;
  desc?: string;
  /** Epoch ms. */
  created: number;
  logging?: string;
  tracing?: string;
}

/**
 * Inline Lua scripts by name. Scripts here touch only keys of one state machine (one hash tag),
 * all passed as KEYS, so they run on Redis Cluster. A store defines its scripts when it is made:
 * with auto-pipelining on, a pipeline copies the connection's commands when it opens, so a
 * command defined while one is open (at the first request that needs it, under load) is missing
 * from that pipeline, and ioredis fails the batch and then crashes the process.
 */
const defined = new WeakMap<Redis, Set<string>>();
export function defineInline(h: RedisHandle, name: string, lua: string, numberOfKeys: number): void {
  const command = `rs_inline_${name}`;
  let set = defined.get(h.redis);
  if (!set) defined.set(h.redis, (set = new Set()));
  if (set.has(command)) return;
  h.redis.defineCommand(command, { numberOfKeys, lua });
  set.add(command);
}

/** Runs an inline script its store defined (defineInline) when it was made. */
export async function runInline(h: RedisHandle, name: string, keyList: string[], args: (string | number)[]): Promise<unknown> {
  const command = `rs_inline_${name}`;
  if (!defined.get(h.redis)?.has(command)) throw new Error(`inline script ${name} runs before it is defined`);
  const fn = (h.redis as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>)[command]!;
  return fn.call(h.redis, ...keyList, ...args);
}

/**
 * Publishes the machine's current revision, atomically with reading it: the revision check, the
 * "same revision returns its version" rule, the quota and the number all see one state.
 */
const PUBLISH = `
local sm = redis.call('HMGET', KEYS[1], 'arn', 'rev', 'sha', 'role', 'logging', 'tracing')
if not sm[1] or sm[1] ~= ARGV[7] then return {'missing'} end
local rev = sm[2] or ''
if ARGV[1] == '1' and ARGV[2] ~= rev then return {'conflict', rev} end
local n = redis.call('HGET', KEYS[2], 'r:' .. rev)
if n then
  local existing = redis.call('HGET', KEYS[2], 'v:' .. n)
  if existing then return {'exists', existing} end
end
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[6]) then return {'quota'} end
n = redis.call('HINCRBY', KEYS[2], 'last', 1)
local v = {n = n, sha = sm[3], role = sm[4], rev = rev, created = tonumber(ARGV[5])}
if sm[5] then v.logging = sm[5] end
if sm[6] then v.tracing = sm[6] end
if ARGV[3] == '1' then v.desc = ARGV[4] end
local text = cjson.encode(v)
redis.call('HSET', KEYS[2], 'v:' .. n, text, 'r:' .. rev, n)
redis.call('ZADD', KEYS[3], n, n)
return {'created', text}
`;

/** Deletes a version unless an alias routes to it (then answers the aliases' names). */
const DELETE_VERSION = `
local v = redis.call('HGET', KEYS[1], 'v:' .. ARGV[1])
if not v then return {'missing'} end
local refs = {}
local all = redis.call('HGETALL', KEYS[3])
for i = 1, #all, 2 do
  local f = all[i]
  if string.sub(f, 1, 2) == 'a:' then
    local cfg = cjson.decode(all[i + 1])
    for _, r in ipairs(cfg.routes) do
      if tostring(r.v) == ARGV[1] then
        table.insert(refs, string.sub(f, 3))
        break
      end
    end
  end
end
if #refs > 0 then
  table.sort(refs)
  return {'conflict', unpack(refs)}
end
local rev = cjson.decode(v).rev
if redis.call('HGET', KEYS[1], 'r:' .. rev) == ARGV[1] then redis.call('HDEL', KEYS[1], 'r:' .. rev) end
redis.call('HDEL', KEYS[1], 'v:' .. ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return {'deleted'}
`;

export type PublishResult =
  | { kind: 'created' | 'exists'; version: VersionRecord }
  | { kind: 'conflict'; currentRevision: string }
  | { kind: 'missing' }
  | { kind: 'quota' };

export type DeleteVersionResult = { kind: 'deleted' | 'missing' } | { kind: 'conflict'; aliases: string[] };

export class VersionStore {
  constructor(private readonly h: RedisHandle) {
    defineInline(h, 'publishVersion', PUBLISH, 3);
    defineInline(h, 'deleteVersion', DELETE_VERSION, 3);
  }

  /**
   * Publishes the current revision of machine `name` (whose ARN must be `arn`). `expectedRevision`
   * ('' for the first, unnamed revision) refuses to publish when the machine has moved on.
   */
  async publish(name: string, arn: string, opts: { expectedRevision?: string; description?: string; now: number; max: number }): Promise<PublishResult> {
    const res = (await runInline(
      this.h,
      'publishVersion',
      [keys.stateMachine(name), keys.stateMachineVersions(name), keys.stateMachineVersionIndex(name)],
      [
        opts.expectedRevision === undefined ? '0' : '1',
        opts.expectedRevision ?? '',
        opts.description === undefined ? '0' : '1',
        opts.description ?? '',
        opts.now,
        opts.max,
        arn,
      ],
    )) as string[];
    switch (res[0]) {
      case 'created':
      case 'exists':
        return { kind: res[0], version: JSON.parse(res[1]!) as VersionRecord };
      case 'conflict':
        return { kind: 'conflict', currentRevision: res[1] ?? '' };
      case 'quota':
        return { kind: 'quota' };
      default:
        return { kind: 'missing' };
    }
  }

  async get(name: string, n: number): Promise<VersionRecord | undefined> {
    const text = await this.h.redis.hget(keys.stateMachineVersions(name), `v:${n}`);
    return text === null ? undefined : (JSON.parse(text) as VersionRecord);
  }

  /** Version numbers, newest (highest) first. */
  async page(name: string, offset: number, limit: number): Promise<{ items: VersionRecord[]; more: boolean }> {
    const members = await this.h.redis.zrevrange(keys.stateMachineVersionIndex(name), offset, offset + limit);
    const page = members.slice(0, limit);
    const texts = page.length ? await this.h.redis.hmget(keys.stateMachineVersions(name), ...page.map((m) => `v:${m}`)) : [];
    const items = texts.filter((t): t is string => t !== null).map((t) => JSON.parse(t) as VersionRecord);
    return { items, more: members.length > limit };
  }

  async delete(name: string, n: number): Promise<DeleteVersionResult> {
    const res = (await runInline(
      this.h,
      'deleteVersion',
      [keys.stateMachineVersions(name), keys.stateMachineVersionIndex(name), keys.stateMachineAliases(name)],
      [String(n)],
    )) as string[];
    if (res[0] === 'conflict') return { kind: 'conflict', aliases: res.slice(1) };
    return { kind: res[0] === 'deleted' ? 'deleted' : 'missing' };
  }

  /** Forgets every version and alias of a machine (DeleteStateMachine). */
  async deleteAll(name: string): Promise<void> {
    await this.h.redis.del(keys.stateMachineVersions(name), keys.stateMachineVersionIndex(name), keys.stateMachineAliases(name));
  }
}
