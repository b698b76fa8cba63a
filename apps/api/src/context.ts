import { InternalFailure, type ArnScope } from '@redstep/core';
import { NotDurable, type Config, type RedisHandle } from '@redstep/store';
import { AliasStore, DefinitionCache, Durability, executionStores, metrics, TagStore, VersionStore, type ActivityStore, type ExecutionStore, type Metrics, type Outbox, type RunningIndex, type StateMachineStore, type StepQueue } from '@redstep/store';
import { MapRunStore } from '@redstep/store';
import { ActivityPolls } from './activity-polls.js';
import type { Caller } from './auth/verify-sigv4.js';

/** What every handler may use: config, the stores, the step queue, and a clock. */
export interface ApiContext {
  config: Config;
  stateMachines: StateMachineStore;
  /** Parsed definitions by content hash (immutable, so never stale). */
  definitions: DefinitionCache;
  versions: VersionStore;
  aliases: AliasStore;
  executions: ExecutionStore;
  activities: ActivityStore;
  tags: TagStore;
  queue: StepQueue;
  /** Carries out what a change obliges (a stop's notices, a redrive's jobs). */
  outbox: Outbox;
  running: RunningIndex;
  /** GetActivityTask's waiting polls, served through one subscriber connection. */
  polls: ActivityPolls;
  /** What an acknowledgement waits for (REDSTEP_DURABILITY). */
  durability: Durability;
  now: () => number;
  metrics: Metrics;
  /** Set on SIGTERM: long polls return at once. */
  closing: AbortController;
  /** Map Runs of distributed Maps. */
  mapRuns: MapRunStore;
  /** For the few writes that run their own script (RedriveExecution). */
  handle: RedisHandle;
  /**
   * The account and region a request acts in: its signing credential's account and the region it
   * signed for (the configured pair without authentication). Every ARN it makes is in this scope,
   * and it sees nothing outside it.
   */
  scope: ArnScope;
  /** Who signed the request ('' without authentication), for AccessDeniedException's message. */
  accessKeyId: string;
  /** The action the request calls ('' outside a request), for AccessDeniedException's message. */
  action: string;
}

/** The context a request of this caller and action sees: the same stores, the caller's scope. */
export function requestContext(ctx: ApiContext, action: string, caller: Caller | undefined): ApiContext {
  const scope: ArnScope = caller ? { partition: 'aws', region: caller.region, account: caller.accountId } : ctx.scope;
  return { ...ctx, scope, accessKeyId: caller?.accessKeyId ?? '', action };
}

export function createContext(config: Config, handle: RedisHandle, now: () => number = Date.now, onRedisError: (err: unknown) => void = () => {}): ApiContext {
  const m = metrics();
  const { stateMachines, executions, activities, queue, outbox, running } = executionStores(handle, { reconcileAfterMs: config.reconcileIdleMs, metrics: m, now, onRedisError });
  return {
    config,
    stateMachines,
    definitions: new DefinitionCache(stateMachines),
    versions: new VersionStore(handle),
    aliases: new AliasStore(handle),
    executions,
    activities,
    tags: new TagStore(handle),
    queue,
    outbox,
    running,
    polls: new ActivityPolls(activities, onRedisError),
    durability: new Durability(handle, config.durability),
    now,
    metrics: m,
    closing: new AbortController(),
    mapRuns: new MapRunStore(handle),
    handle,
    scope: { partition: 'aws', region: config.region, account: config.accountId },
    accessKeyId: '',
    action: '',
  };
}

/** AWS JSON 1.0 renders timestamps as epoch seconds. */
export const epochSeconds = (ms: number) => ms / 1000;

/**
 * Waits until this process's writes are as durable as REDSTEP_DURABILITY asks before a call that
 * changed something is answered; InternalFailure (which clients retry) when they cannot be.
 */
export async function acknowledge(ctx: ApiContext): Promise<void> {
  try {
    await ctx.durability.acknowledge();
  } catch (e) {
    if (e instanceof NotDurable) throw new InternalFailure(`The request was not made durable: ${e.message}`);
    throw e;
  }
}
