import { keys } from './keys.js';
import type { RedisHandle } from './redis.js';

const tagKey = keys.tags;

/** Tags of any resource, by its ARN. */
export class TagStore {
  constructor(private readonly h: RedisHandle) {}

  async list(arn: string): Promise<Record<string, string>> {
    return this.h.redis.hgetall(tagKey(arn));
  }

  async add(arn: string, tags: Record<string, string>): Promise<void> {
    if (Object.keys(tags).length) await this.h.redis.hset(tagKey(arn), tags);
  }

  async remove(arn: string, tagKeys: string[]): Promise<void> {
    if (tagKeys.length) await this.h.redis.hdel(tagKey(arn), ...tagKeys);
  }

  async clear(arn: string): Promise<void> {
    await this.h.redis.del(tagKey(arn));
  }
}
