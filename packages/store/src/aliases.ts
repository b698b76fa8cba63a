import { keys } from './keys.js';
import type { RedisHandle } from './redis.js';
import { defineInline, runInline } from './versions.js';

/** One route of an alias: a version number of the same machine and its weight (percent). */
export interface AliasRoute {
  v: number;
  w: number;
}

/** What an alias routes to; compared as its JSON text for CreateStateMachineAlias idempotency. */
export interface AliasConfig {
  d?: string;
  routes: AliasRoute[];
}

export interface AliasRecord {
  name: string;
  config: AliasConfig;
  created: number;
  updated: number;
}

/**
 * Creates or updates an alias after checking, in the same step, that the machine and every
 * version it routes to exist (so a version cannot be deleted from under a new route).
 */
const PUT_ALIAS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'nomachine'} end
for i = 7, #ARGV do
  if redis.call('HEXISTS', KEYS[2], 'v:' .. ARGV[i]) == 0 then return {'noversion', ARGV[i]} end
end
local cur = redis.call('HGET', KEYS[3], 'a:' .. ARGV[2])
if ARGV[1] == 'create' then
  if cur then
    if cur == ARGV[3] then return {'same', redis.call('HGET', KEYS[3], 'c:' .. ARGV[2])} end
    return {'conflict'}
  end
  if redis.call('HLEN', KEYS[3]) / 3 >= tonumber(ARGV[5]) then return {'quota'} end
  redis.call('HSET', KEYS[3], 'a:' .. ARGV[2], ARGV[3], 'c:' .. ARGV[2], ARGV[4], 'u:' .. ARGV[2], ARGV[4])
  return {'created', ARGV[4]}
end
if not cur then return {'noalias'} end
if cur ~= ARGV[6] then return {'retry'} end
redis.call('HSET', KEYS[3], 'a:' .. ARGV[2], ARGV[3], 'u:' .. ARGV[2], ARGV[4])
return {'updated', ARGV[4]}
`;

export type PutAliasResult =
  | { kind: 'created' | 'same' | 'updated'; date: number }
  | { kind: 'noversion'; version: number }
  | { kind: 'nomachine' | 'conflict' | 'quota' | 'noalias' | 'retry' };

export const aliasConfigText = (c: AliasConfig): string =>
  JSON.stringify(c.d === undefined ? { routes: c.routes.map((r) => ({ v: r.v, w: r.w })) } : { d: c.d, routes: c.routes.map((r) => ({ v: r.v, w: r.w })) });

export class AliasStore {
  constructor(private readonly h: RedisHandle) {
    defineInline(h, 'putAlias', PUT_ALIAS, 3);
  }

  private keyList(machine: string): string[] {
    return [keys.stateMachine(machine), keys.stateMachineVersions(machine), keys.stateMachineAliases(machine)];
  }

  async create(machine: string, alias: string, config: AliasConfig, now: number, max: number): Promise<PutAliasResult> {
    return this.put('create', machine, alias, config, now, max, '');
  }

  /** Replaces the config if it is still `previous` (else 'retry'). */
  async update(machine: string, alias: string, config: AliasConfig, previous: AliasConfig, now: number): Promise<PutAliasResult> {
    return this.put('update', machine, alias, config, now, 0, aliasConfigText(previous));
  }

  private async put(mode: string, machine: string, alias: string, config: AliasConfig, now: number, max: number, previous: string): Promise<PutAliasResult> {
    const res = (await runInline(this.h, 'putAlias', this.keyList(machine), [
      mode,
      alias,
      aliasConfigText(config),
      now,
      max,
      previous,
      ...config.routes.map((r) => String(r.v)),
    ])) as string[];
    const kind = res[0]!;
    if (kind === 'created' || kind === 'same' || kind === 'updated') return { kind, date: Number(res[1]) };
    if (kind === 'noversion') return { kind, version: Number(res[1]) };
    return { kind: kind as 'nomachine' | 'conflict' | 'quota' | 'noalias' | 'retry' };
  }

  async get(machine: string, alias: string): Promise<AliasRecord | undefined> {
    const [a, c, u] = await this.h.redis.hmget(keys.stateMachineAliases(machine), `a:${alias}`, `c:${alias}`, `u:${alias}`);
    if (a === null || a === undefined) return undefined;
    return { name: alias, config: JSON.parse(a) as AliasConfig, created: Number(c), updated: Number(u) };
  }

  /** Every alias of a machine, by name. */
  async all(machine: string): Promise<AliasRecord[]> {
    const flat = await this.h.redis.hgetall(keys.stateMachineAliases(machine));
    const out: AliasRecord[] = [];
    for (const [field, value] of Object.entries(flat)) {
      if (!field.startsWith('a:')) continue;
      const name = field.slice(2);
      out.push({ name, config: JSON.parse(value) as AliasConfig, created: Number(flat[`c:${name}`]), updated: Number(flat[`u:${name}`]) });
    }
    return out.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  }

  /** Returns whether it existed. */
  async delete(machine: string, alias: string): Promise<boolean> {
    return (await this.h.redis.hdel(keys.stateMachineAliases(machine), `a:${alias}`, `c:${alias}`, `u:${alias}`)) > 0;
  }
}
