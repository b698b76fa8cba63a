import { createHash } from 'node:crypto';
import { keys, scopedNameOfArn, splitScopedName } from './keys.js';
import type { RedisHandle } from './redis.js';
import { createIfAbsent, pageIndex, type Fields } from './resources.js';

export interface StateMachineRecord {
  arn: string;
  name: string;
  type: 'STANDARD' | 'EXPRESS';
  definition: string;
  definitionSha: string;
  roleArn: string;
  createdAt: number;
  revisionId: string;
  description?: string;
  loggingConfiguration?: string;
  tracingConfiguration?: string;
}

/** What starting an execution needs of a machine: no definition text, no configuration. */
export type StateMachineHead = Pick<StateMachineRecord, 'arn' | 'name' | 'type' | 'definitionSha' | 'roleArn'>;

export function definitionSha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * State machines by scoped name (see `scopedName`): the bare name in the home scope, prefixed with
 * the account and region in any other. A record keeps its bare name and its ARN; the store finds
 * its key from the ARN.
 */
export class StateMachineStore {
  constructor(private readonly h: RedisHandle) {}

  /** Stores the definition text under its hash; executions read it from there, never from the machine. */
  async putDefinition(text: string): Promise<string> {
    const sha = definitionSha(text);
    await this.h.redis.set(keys.definition(sha), text);
    return sha;
  }

  async getDefinition(sha: string): Promise<string | undefined> {
    return (await this.h.redis.get(keys.definition(sha))) ?? undefined;
  }

  /** Returns undefined when created, else the existing record. */
  async create(rec: StateMachineRecord): Promise<StateMachineRecord | undefined> {
    rec.definitionSha = await this.putDefinition(rec.definition);
    const key = scopedNameOfArn(rec.arn);
    const existing = await createIfAbsent(this.h, keys.stateMachine(key), toFields(rec));
    if (existing) return fromFields(existing);
    await this.h.redis.zadd(keys.stateMachines(splitScopedName(key).prefix), rec.createdAt, key);
    // Remembered past deletion: its executions are swept by retention from this list.
    await this.h.redis.sadd(keys.indexedMachines(), key);
    return undefined;
  }

  /** `name` is the scoped name, here and below. */
  async get(name: string): Promise<StateMachineRecord | undefined> {
    const f = await this.h.redis.hgetall(keys.stateMachine(name));
    return f.arn ? fromFields(f) : undefined;
  }

  /** The machine's identity, type, definition hash and role (StartExecution's lookup: a few short fields, not the definition). */
  async head(name: string): Promise<StateMachineHead | undefined> {
    const [arn, type, sha, role] = await this.h.redis.hmget(keys.stateMachine(name), 'arn', 'type', 'sha', 'role');
    if (!arn) return undefined;
    return { arn, name: splitScopedName(name).name, type: type as StateMachineHead['type'], definitionSha: sha!, roleArn: role! };
  }

  async update(rec: StateMachineRecord): Promise<void> {
    rec.definitionSha = await this.putDefinition(rec.definition);
    await this.h.redis.hset(keys.stateMachine(scopedNameOfArn(rec.arn)), toFields(rec));
  }

  async delete(name: string): Promise<void> {
    await this.h.redis.del(keys.stateMachine(name));
    await this.h.redis.zrem(keys.stateMachines(splitScopedName(name).prefix), name);
  }

  /** A page of one scope's machines (`prefix` as `scopePrefix` gives it: '' for the home scope). */
  async page(offset: number, limit: number, prefix = ''): Promise<{ items: StateMachineRecord[]; more: boolean }> {
    const { members, more } = await pageIndex(this.h, keys.stateMachines(prefix), offset, limit);
    const items = (await Promise.all(members.map((m) => this.get(m)))).filter((r): r is StateMachineRecord => !!r);
    return { items, more };
  }

  /** Indexes an execution under its state machine for ListExecutions (newest first). */
  /** Idempotent (NX): indexing again, or for a name already started, never moves an entry. */
  async indexExecution(stateMachineName: string, executionName: string, startDate: number): Promise<void> {
    await this.h.redis.zadd(keys.stateMachineExecutions(stateMachineName), 'NX', startDate, executionName);
  }

  async executionNames(stateMachineName: string, offset: number, limit: number): Promise<{ members: string[]; more: boolean }> {
    return pageIndex(this.h, keys.stateMachineExecutions(stateMachineName), offset, limit, true);
  }
}

function toFields(r: StateMachineRecord): Fields {
  const f: Fields = {
    arn: r.arn,
    name: r.name,
    type: r.type,
    definition: r.definition,
    sha: r.definitionSha,
    role: r.roleArn,
    created: String(r.createdAt),
    rev: r.revisionId,
  };
  if (r.description !== undefined) f.description = r.description;
  if (r.loggingConfiguration !== undefined) f.logging = r.loggingConfiguration;
  if (r.tracingConfiguration !== undefined) f.tracing = r.tracingConfiguration;
  return f;
}

function fromFields(f: Fields): StateMachineRecord {
  const r: StateMachineRecord = {
    arn: f.arn!,
    name: f.name!,
    type: f.type as 'STANDARD' | 'EXPRESS',
    definition: f.definition!,
    definitionSha: f.sha!,
    roleArn: f.role!,
    createdAt: Number(f.created),
    revisionId: f.rev!,
  };
  if (f.description !== undefined) r.description = f.description;
  if (f.logging !== undefined) r.loggingConfiguration = f.logging;
  if (f.tracing !== undefined) r.tracingConfiguration = f.tracing;
  return r;
}
