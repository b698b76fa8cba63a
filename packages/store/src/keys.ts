import calculateSlot from 'cluster-key-slot';
import { DEFAULT_SHARDS } from './config.js';

/**
 * The Redis key layout: the only place that knows it. Executions are spread over a fixed number
 * of shards; every key of an execution, its shard's step queue and its shard's running index
 * carry the shard's hash tag, so each atomic step stays on one Cluster slot and a cluster spreads
 * the shards over its masters (DESIGN.md rule 7). Other resources (state machines, activities,
 * tags) carry their own name as their tag. Names cannot contain braces (AWS name rules), so a
 * name never breaks a tag.
 */
const P = 'rs';

/** Redis Cluster's slot count. */
const SLOTS = 16_384;

let shardCount = DEFAULT_SHARDS;
let tags: string[] = [];

/**
 * Sets the shard count (REDSTEP_SHARDS, as recorded in Redis: see `ensureShards`). Every process
 * sharing a Redis uses the same count, or they would look for an execution on different shards.
 */
export function configureShards(count: number): void {
  if (!Number.isInteger(count) || count < 1) throw new Error(`shard count must be a positive integer, got ${count}`);
  shardCount = count;
  tags = [];
}

/** Every shard's number. */
export const allShards = (): number[] => Array.from({ length: shardCount }, (_, i) => i);

/** The shard of an execution id (FNV-1a, stable across processes and versions). */
export function shardOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % shardCount;
}

/**
 * A shard's hash tag. Shard k's tag is chosen to hash into the k-th of `shardCount` equal slot
 * ranges, so on a cluster whose masters own equal ranges (as `redis-cli --cluster create` makes
 * them) shards spread evenly whenever the master count divides the shard count.
 */
export function shardTag(shard: number): string {
  const known = tags[shard];
  if (known) return known;
  const low = Math.floor((shard * SLOTS) / shardCount);
  const high = Math.floor(((shard + 1) * SLOTS) / shardCount);
  for (let j = 0; ; j++) {
    const tag = `s${shard}.${j}`;
    const slot = calculateSlot(tag);
    if (slot >= low && slot < high) return (tags[shard] = tag);
  }
}

/** The key prefix of everything under one execution's shard tag. */
const ofExecution = (kind: string, id: string) => `${P}:${kind}:{${shardTag(shardOf(id))}}:${id}`;

/** An account and region: whose a resource is. */
export interface Scope {
  account: string;
  region: string;
}

/** Before `configureScope`: the configuration's defaults (SFN_ACCOUNT_ID, SFN_REGION). */
let home: Scope = { account: '123456789012', region: 'us-east-1' };

/**
 * Sets the home scope (as recorded in Redis: see `ensureHomeScope`): its resources keep their bare
 * names in keys, as before accounts were kept apart, so existing data needs no migration. Every
 * process sharing a Redis uses the same pair.
 */
export function configureScope(scope: Scope): void {
  home = { account: scope.account, region: scope.region };
}

/** What ends a scope prefix. AWS names never hold `~` (nor `:`, braces or whitespace). */
const SCOPE_END = '~';

/** The key prefix of a scope: empty for the home scope, `<account>.<region>` otherwise. */
export const scopePrefix = (scope: Scope): string => (scope.account === home.account && scope.region === home.region ? '' : `${scope.account}.${scope.region}`);

/**
 * The name a resource is stored under: the bare name in the home scope, `<account>.<region>~<name>`
 * in any other, so two accounts' (or regions') resources of one name never share a key.
 */
export function scopedName(scope: Scope, name: string): string {
  const prefix = scopePrefix(scope);
  return prefix === '' ? name : `${prefix}${SCOPE_END}${name}`;
}

/** A scoped name's parts: the scope prefix ('' for the home scope) and the bare name. */
export function splitScopedName(scoped: string): { prefix: string; name: string } {
  const at = scoped.indexOf(SCOPE_END);
  return at < 0 ? { prefix: '', name: scoped } : { prefix: scoped.slice(0, at), name: scoped.slice(at + 1) };
}

/** The scope of a Step Functions ARN (`arn:<partition>:states:<region>:<account>:...`). */
export function scopeOfArn(arn: string): Scope {
  const parts = arn.split(':', 5);
  if (parts.length < 5 || parts[0] !== 'arn') throw new Error(`not an ARN: ${arn}`);
  return { region: parts[3]!, account: parts[4]! };
}

/** Whether two ARNs are of one account and region. */
export function sameScope(a: string, b: string): boolean {
  const x = scopeOfArn(a);
  const y = scopeOfArn(b);
  return x.account === y.account && x.region === y.region;
}

/** The scoped name of a state machine or activity ARN (`...:<kind>:<name>`). */
export function scopedNameOfArn(arn: string): string {
  const parts = arn.split(':');
  if (parts.length < 7) throw new Error(`not a state machine or activity ARN: ${arn}`);
  return scopedName(scopeOfArn(arn), parts[6]!);
}

/**
 * An execution's id: the part of its ARN after `:execution:` (`<smName>:<execName>`, unique per
 * account and region), scoped as `scopedName` scopes a name. It picks the shard and names the keys.
 */
export function executionId(executionArn: string): string {
  const at = executionArn.indexOf(':execution:');
  const express = executionArn.indexOf(':express:');
  if (at < 0 && express < 0) throw new Error(`not an execution ARN: ${executionArn}`);
  const rest = at >= 0 ? executionArn.slice(at + ':execution:'.length) : executionArn.slice(express + ':express:'.length);
  return scopedName(scopeOfArn(executionArn), rest);
}

/** The state machine name of a `stateMachineExecutions` key. */
export function machineOfExecutionIndex(key: string): string {
  return key.slice(key.indexOf('{') + 1, key.lastIndexOf('}'));
}

/** The same id from its parts, for code that holds (scoped) names rather than an ARN. */
export function executionIdOf(stateMachineName: string, executionName: string): string {
  return `${stateMachineName}:${executionName}`;
}

export const keys = {
  /**
   * Hash: one execution's small mutable fields (status, sequence, wake, pending task). Every
   * value stays short so Redis keeps it in its compact listpack encoding.
   */
  execution: (id: string) => ofExecution('x', id),
  /** String: one execution's immutable facts as JSON (ARNs, names, input, definition hash). */
  executionMeta: (id: string) => ofExecution('m', id),
  /** String: where a running execution stands (the interpreter's cursor) as JSON. */
  cursor: (id: string) => ofExecution('c', id),
  /** List: one execution's history events as JSON, oldest first. */
  history: (id: string) => ofExecution('h', id),
  /** Hash: a state machine. */
  stateMachine: (name: string) => `${P}:sm:{${name}}`,
  /** Sorted set: a scope's state machine (scoped) names by creation time; the home scope's is `rs:sms`. */
  stateMachines: (prefix = '') => (prefix === '' ? `${P}:sms` : `${P}:sms:${prefix}`),
  /**
   * Set: names of every state machine that ever had an execution index, deleted ones included
   * (their executions stay describable until retention removes them).
   */
  indexedMachines: () => `${P}:smx`,
  /** Sorted set: a state machine's execution names by start time (ms). */
  stateMachineExecutions: (name: string) => `${P}:sx:{${name}}`,
  /** String: set once a worker has found every execution index of older data (see retention). */
  indexesDiscovered: () => `${P}:smx:found`,
  /** String with a time to live: a worker is sweeping retention; the others skip the round. */
  retentionSweep: () => `${P}:sweeping`,
  /** SCAN pattern of every `stateMachineExecutions` key. */
  stateMachineExecutionsMatch: () => `${P}:sx:*`,
  /**
   * Hash: a state machine's published versions (`v:<n>` -> version JSON), the last number given
   * (`last`, never reused) and which version each revision became (`r:<revisionId>` -> n).
   * Shares the machine's tag so one script reads the machine and its versions.
   */
  stateMachineVersions: (name: string) => `${P}:smv:{${name}}`,
  /** Sorted set: a state machine's version numbers (score = number), for newest-first listing. */
  stateMachineVersionIndex: (name: string) => `${P}:smvi:{${name}}`,
  /** Hash: a state machine's aliases (`a:<alias>` -> routing JSON, `c:<alias>` created, `u:<alias>` updated). */
  stateMachineAliases: (name: string) => `${P}:sma:{${name}}`,
  /** String: a definition text by its content hash; executions point at it so updates never change them. */
  definition: (sha: string) => `${P}:def:{${sha}}`,
  /** Hash: an activity. */
  activity: (name: string) => `${P}:act:{${name}}`,
  /** Sorted set: a scope's activity (scoped) names by creation time; the home scope's is `rs:acts`. */
  activities: (prefix = '') => (prefix === '' ? `${P}:acts` : `${P}:acts:${prefix}`),
  /** Set: the prefixes of every scope other than the home one that ever had an activity (see `activities`). */
  activityScopes: () => `${P}:acts:scopes`,
  /** List: tasks scheduled on an activity, waiting for GetActivityTask. */
  activityTasks: (name: string) => `${P}:aq:{${name}}`,
  /**
   * List: tasks a poller took (moved here from the task list in the same command) whose hand-out
   * is not yet recorded; what a dead api leaves here goes back to the task list.
   */
  activityHandout: (name: string) => `${P}:aqh:{${name}}`,
  /** Hash: an execution's map runs (`<uuid>` -> map run JSON), under the execution's tag. */
  mapRuns: (executionIdValue: string) => ofExecution('mr', executionIdValue),
  /** Hash: limits UpdateMapRun set on an execution's running map runs (`<arn>` -> JSON). */
  mapRunLimits: (executionIdValue: string) => ofExecution('mrl', executionIdValue),
  /**
   * Hash: an execution's Distributed Map children (STANDARD ones), `<first 13 characters of the
   * map run id>:<index>` -> the child's compact record (core's StoredChild), under the execution's
   * tag so the step that starts, ends or aborts a child writes its record.
   */
  mapRunChildren: (executionIdValue: string) => ofExecution('mrc', executionIdValue),
  /** String: the map run ARN whose children's names start with this prefix (see core's map-children.ts). */
  mapRunOfChildren: (namePrefix: string) => `${P}:mrk:{${namePrefix}}`,
  /** String: the execution ARN of a map run (its ARN does not name the execution). */
  mapRunExecution: (mapRunId: string) => `${P}:mrx:{${mapRunId}}`,
  /**
   * Hash: an execution's outbox, obligation id -> obligation JSON (see outbox.ts): what its last
   * commits oblige that is not yet carried out. Under the execution's tag, so the commit that
   * creates an obligation writes it in the same atomic step (DESIGN.md rule 1).
   */
  outbox: (id: string) => ofExecution('o', id),
  /** Sorted set: a shard's executions that may be running, by when the reconciler next looks at them (ms). */
  runningIndex: (shard: number) => `${P}:run:{${shardTag(shard)}}`,
  /** String: the shard count the data was created with (REDSTEP_SHARDS). */
  shardCount: () => `${P}:shards`,
  /** String: the home scope (`<account>.<region>`) the data was created with (see `ensureHomeScope`). */
  homeScope: () => `${P}:home`,
  /** String: the key layout the data is in (see layout.ts). */
  layout: () => `${P}:layout`,
  /** String with a time to live: a process is moving data to the current layout. */
  layoutLease: () => `${P}:layout:moving`,
  /** String with a time to live: a worker is reconciling; the others skip the round. */
  reconcileLease: () => `${P}:reconciling`,
  /** String: the secret task-token nonces are derived with, made once per Redis. */
  tokenSecret: () => `${P}:secret`,
  /**
   * Pub/sub channel, not a key: a message (an activity's task-list key) says that list gained
   * tasks, so api processes take them for their waiting polls instead of each blocking a connection.
   */
  activityReady: () => `${P}:activity-ready`,
  /** Hash: nonces of an activity's tasks pushed to its list and not yet handed out (one push per task). */
  activityPushed: (name: string) => `${P}:aqp:{${name}}`,
  /** Hash: tags of the resource with this ARN. */
  tags: (arn: string) => `${P}:tags:{${arn}}`,
} as const;

/** BullMQ's key prefix of a shard's step queue: the shard's tag, shared with its executions' keys. */
export const queuePrefix = (shard: number) => `${P}:q:{${shardTag(shard)}}`;
export const STEP_QUEUE = 'steps';
