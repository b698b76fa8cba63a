import type { RedisHandle } from './redis.js';

/** A flat hash record: what state machines and activities are stored as. */
export type Fields = Record<string, string>;

/** Creates a hash unless present; returns undefined when created, else the existing fields. */
export async function createIfAbsent(h: RedisHandle, key: string, fields: Fields): Promise<Fields | undefined> {
  const args: string[] = [];
  for (const [k, v] of Object.entries(fields)) args.push(k, v);
  const res = await h.run('createIfAbsent', [key], args);
  if (res === 1) return undefined;
  const flat = res as string[];
  const existing: Fields = {};
  for (let i = 0; i < flat.length; i += 2) existing[flat[i]!] = flat[i + 1]!;
  return existing;
}

/** A page of an index (sorted set), oldest first by score; `offset` is the cursor. */
export async function pageIndex(h: RedisHandle, key: string, offset: number, limit: number, newestFirst = false): Promise<{ members: string[]; more: boolean }> {
  const stop = offset + limit; // one extra tells whether a next page exists
  const members = newestFirst ? await h.redis.zrevrange(key, offset, stop) : await h.redis.zrange(key, String(offset), String(stop));
  return { members: members.slice(0, limit), more: members.length > limit };
}
