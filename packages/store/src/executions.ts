import { randomBytes } from 'node:crypto';
import type { Cursor, HistoryEvent, StepResult, Suspension } from '@redstep/core';
import { executionId, keys } from './keys.js';
import type { RedisHandle } from './redis.js';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

/** An execution's stored record. */
export interface ExecutionRecord {
  arn: string;
  name: string;
  stateMachineArn: string;
  stateMachineName: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate?: number;
  definitionSha: string;
  roleArn: string;
  /** History length: the fence of every commit. */
  seq: number;
  /** What the execution waits for; jobs carry it and do nothing if it moved. */
  wake: string;
  cursor?: Cursor;
  /** Pending activity task: nonce, state, start and last heartbeat. */
  taskNonce?: string;
  taskState?: 'scheduled' | 'started';
  taskStart?: number;
  taskBeat?: number;
  redriveCount: number;
  /** Random id of the StartExecution request that created it. */
  origin?: string;
  /** The job that made the last commit, and what it left the execution waiting for: a replay of that job re-enqueues it. */
  producer?: string;
  suspension?: Suspension;
}

export type CommitResult = 'committed' | 'missing' | 'fenced';

const CODES: Record<number, CommitResult> = { 1: 'committed', [-1]: 'missing', [-2]: 'fenced' };

export function encodeEvent(e: HistoryEvent): string {
  return JSON.stringify(e);
}

export class ExecutionStore {
  constructor(private readonly h: RedisHandle) {}

  /** Creates the execution; returns undefined when created, else the existing one's status, input and origin. */
  async create(rec: ExecutionRecord, started: HistoryEvent): Promise<{ status: string; input: string; origin?: string } | undefined> {
    const id = executionId(rec.arn);
    const fields: (string | number)[] = [];
    for (const [k, v] of Object.entries(mutableFields(rec))) fields.push(k, v);
    const res = await this.h.run(
      'createExecution',
      [keys.execution(id), keys.history(id), keys.executionMeta(id)],
      [encodeEvent(started), JSON.stringify(metaOf(rec)), ...fields],
    );
    if (res === 1) return undefined;
    const [status, metaText] = res as [string, string];
    const meta = JSON.parse(metaText) as Meta;
    return meta.org === undefined ? { status, input: meta.input } : { status, input: meta.input, origin: meta.org };
  }

  async load(arn: string): Promise<ExecutionRecord | undefined> {
    const id = executionId(arn);
    const [hash, meta, cursor] = await Promise.all([
      this.h.redis.hgetall(keys.execution(id)),
      this.h.redis.get(keys.executionMeta(id)),
      this.h.redis.get(keys.cursor(id)),
    ]);
    if (!hash.status || meta === null) return undefined;
    return toRecord(hash, JSON.parse(meta) as Meta, cursor);
  }

  /**
   * Commits a step: events appended, cursor replaced and record updated atomically, fenced on
   * the sequence and wake the caller read. `wake` is the new wake id (ignored when it closed).
   */
  async commit(
    rec: ExecutionRecord,
    expectedWake: string | '*',
    result: StepResult,
    wake: string,
    now: number,
    producer = '',
  ): Promise<CommitResult> {
    const id = executionId(rec.arn);
    const events = result.events.map(encodeEvent);
    const set: Record<string, string | number> = { seq: rec.seq + result.events.length };
    const del: string[] = [];
    let cursor = '';
    if (result.closing) {
      const c = result.closing;
      set.status = c.status;
      set.stopDate = now;
      set.wake = '';
      if (c.output !== undefined) set.output = c.output;
      if (c.error !== undefined) set.error = c.error;
      if (c.cause !== undefined) set.cause = c.cause;
      del.push('tok', 'tokState', 'tokStart', 'tokBeat', 'by');
    } else {
      set.wake = wake;
      set.by = producer;
      cursor = encodeCursor(result.cursor!);
      const task = result.suspension?.kind === 'activity' ? result.suspension.task : undefined;
      if (task) {
        set.tok = nonceOf(task.token);
        set.tokState = 'scheduled';
        del.push('tokStart', 'tokBeat');
      } else if (rec.taskNonce !== undefined) {
        del.push('tok', 'tokState', 'tokStart', 'tokBeat');
      }
    }
    const args: (string | number)[] = [rec.seq, expectedWake, cursor, events.length, ...events, del.length, ...del];
    for (const [k, v] of Object.entries(set)) args.push(k, v);
    const res = (await this.h.run('commitStep', [keys.execution(id), keys.history(id), keys.cursor(id)], args)) as number;
    return CODES[res]!;
  }

  /** GetActivityTask took this task: ActivityStarted goes to history once. */
  async startTask(token: string, workerName: string | undefined, now: number): Promise<boolean> {
    const { arn, nonce } = decodeTaskToken(token)!;
    const id = executionId(arn);
    const details = JSON.stringify(workerName === undefined ? {} : { workerName });
    const res = await this.h.run('startTask', [keys.execution(id), keys.history(id)], [nonce, now, details]);
    return res === 1;
  }

  async heartbeat(token: string, now: number): Promise<boolean> {
    const { arn, nonce } = decodeTaskToken(token)!;
    return (await this.h.run('heartbeatTask', [keys.execution(executionId(arn))], [nonce, now])) === 1;
  }

  async historyLength(arn: string): Promise<number> {
    return this.h.redis.llen(keys.history(executionId(arn)));
  }

  /** History events as stored JSON texts, in [start, stop] (inclusive, negative from the end). */
  async historyRange(arn: string, start: number, stop: number): Promise<string[]> {
    return this.h.redis.lrange(keys.history(executionId(arn)), start, stop);
  }
}

/**
 * Task tokens: the execution ARN plus a random nonce stored with the pending task. The nonce
 * makes tokens unguessable and binds each one to one scheduling of one execution.
 */
export function newTaskToken(executionArn: string): string {
  return taskToken(executionArn, randomBytes(16).toString('hex'));
}

function taskToken(executionArn: string, nonce: string): string {
  return Buffer.from(JSON.stringify([executionArn, nonce])).toString('base64url');
}

export function decodeTaskToken(token: string): { arn: string; nonce: string } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
    const [arn, nonce] = parsed as unknown[];
    if (typeof arn !== 'string' || typeof nonce !== 'string' || !/^[0-9a-f]{32}$/.test(nonce)) return undefined;
    executionId(arn);
    return { arn, nonce };
  } catch {
    return undefined;
  }
}

function nonceOf(token: string): string {
  return decodeTaskToken(token)!.nonce;
}

/** Immutable facts, stored once as JSON beside the small mutable hash. */
interface Meta {
  arn: string;
  name: string;
  sm: string;
  smName: string;
  input: string;
  def: string;
  role: string;
  org?: string;
}

function metaOf(rec: ExecutionRecord): Meta {
  const meta: Meta = {
    arn: rec.arn,
    name: rec.name,
    sm: rec.stateMachineArn,
    smName: rec.stateMachineName,
    input: rec.input,
    def: rec.definitionSha,
    role: rec.roleArn,
  };
  if (rec.origin) meta.org = rec.origin;
  return meta;
}

function mutableFields(rec: ExecutionRecord): Record<string, string | number> {
  return { status: rec.status, start: rec.startDate, seq: rec.seq, wake: rec.wake, rc: rec.redriveCount };
}

/**
 * The cursor without its task token: the token is the execution ARN plus the nonce already in
 * the hash, so storing it would only repeat them.
 */
function encodeCursor(cursor: Cursor): string {
  if (!cursor.task) return JSON.stringify(cursor);
  return JSON.stringify({ ...cursor, task: { ...cursor.task, token: '' } });
}

/** What a suspended execution waits for follows from its cursor; replays re-enqueue it. */
function suspensionOf(cursor: Cursor): Suspension {
  if (cursor.task) return { kind: 'activity', task: cursor.task };
  if (cursor.until !== undefined) return { kind: 'timer', at: cursor.until };
  return { kind: 'continue' };
}

function toRecord(h: Record<string, string>, meta: Meta, cursorText: string | null): ExecutionRecord {
  const rec: ExecutionRecord = {
    arn: meta.arn,
    name: meta.name,
    stateMachineArn: meta.sm,
    stateMachineName: meta.smName,
    status: h.status as ExecutionStatus,
    input: meta.input,
    startDate: Number(h.start),
    definitionSha: meta.def,
    roleArn: meta.role,
    seq: Number(h.seq),
    wake: h.wake ?? '',
    redriveCount: Number(h.rc ?? 0),
  };
  if (meta.org !== undefined) rec.origin = meta.org;
  if (h.output !== undefined) rec.output = h.output;
  if (h.error !== undefined) rec.error = h.error;
  if (h.cause !== undefined) rec.cause = h.cause;
  if (h.stopDate !== undefined) rec.stopDate = Number(h.stopDate);
  if (h.tok !== undefined) rec.taskNonce = h.tok;
  if (h.tokState !== undefined) rec.taskState = h.tokState as 'scheduled' | 'started';
  if (h.tokStart !== undefined) rec.taskStart = Number(h.tokStart);
  if (h.tokBeat !== undefined) rec.taskBeat = Number(h.tokBeat);
  if (h.by) rec.producer = h.by;
  if (cursorText) {
    const cursor = JSON.parse(cursorText) as Cursor;
    if (cursor.task && rec.taskNonce) cursor.task.token = taskToken(rec.arn, rec.taskNonce);
    rec.cursor = cursor;
    rec.suspension = suspensionOf(cursor);
  }
  return rec;
}
