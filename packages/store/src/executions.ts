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

  /** Creates the execution; returns undefined when created, else the existing one's status and input. */
  async create(rec: ExecutionRecord, started: HistoryEvent): Promise<{ status: string; input: string; origin?: string } | undefined> {
    const id = executionId(rec.arn);
    const fields: (string | number)[] = [];
    for (const [k, v] of Object.entries(toHash(rec))) fields.push(k, v);
    const res = await this.h.run('createExecution', [keys.execution(id), keys.history(id)], [encodeEvent(started), ...fields]);
    if (res === 1) return undefined;
    const [status, input, origin] = res as [string, string, string | null];
    return origin === null ? { status, input } : { status, input, origin };
  }

  async load(arn: string): Promise<ExecutionRecord | undefined> {
    const raw = await this.h.redis.hgetall(keys.execution(executionId(arn)));
    return raw.arn ? fromHash(raw) : undefined;
  }

  /**
   * Commits a step: events appended and the record updated atomically, fenced on the sequence
   * and wake the caller read. `wake` is the new wake id (ignored when the step closed).
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
    const seq = rec.seq + result.events.length;
    const set: Record<string, string | number> = { seq };
    const del: string[] = [];
    if (result.closing) {
      const c = result.closing;
      set.status = c.status;
      set.stopDate = now;
      set.wake = '';
      if (c.output !== undefined) set.output = c.output;
      if (c.error !== undefined) set.error = c.error;
      if (c.cause !== undefined) set.cause = c.cause;
      del.push('cur', 'tok', 'tokState', 'tokStart', 'tokBeat', 'by', 'susp');
    } else {
      set.wake = wake;
      set.cur = JSON.stringify(result.cursor);
      set.by = producer;
      set.susp = JSON.stringify(result.suspension ?? null);
      const task = result.suspension?.kind === 'activity' ? result.suspension.task : undefined;
      if (task) {
        set.tok = nonceOf(task.token);
        set.tokState = 'scheduled';
        del.push('tokStart', 'tokBeat');
      } else if (rec.taskNonce !== undefined) {
        del.push('tok', 'tokState', 'tokStart', 'tokBeat');
      }
    }
    const args: (string | number)[] = [rec.seq, expectedWake, events.length, ...events, del.length, ...del];
    for (const [k, v] of Object.entries(set)) args.push(k, v);
    const res = (await this.h.run('commitStep', [keys.execution(id), keys.history(id)], args)) as number;
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
  const nonce = randomBytes(16).toString('hex');
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

function toHash(rec: ExecutionRecord): Record<string, string | number> {
  const h: Record<string, string | number> = {
    arn: rec.arn,
    name: rec.name,
    sm: rec.stateMachineArn,
    smName: rec.stateMachineName,
    status: rec.status,
    input: rec.input,
    start: rec.startDate,
    def: rec.definitionSha,
    role: rec.roleArn,
    seq: rec.seq,
    wake: rec.wake,
    rc: rec.redriveCount,
  };
  if (rec.cursor) h.cur = JSON.stringify(rec.cursor);
  if (rec.origin) h.org = rec.origin;
  return h;
}

function fromHash(h: Record<string, string>): ExecutionRecord {
  const rec: ExecutionRecord = {
    arn: h.arn!,
    name: h.name!,
    stateMachineArn: h.sm!,
    stateMachineName: h.smName!,
    status: h.status as ExecutionStatus,
    input: h.input!,
    startDate: Number(h.start),
    definitionSha: h.def!,
    roleArn: h.role!,
    seq: Number(h.seq),
    wake: h.wake ?? '',
    redriveCount: Number(h.rc ?? 0),
  };
  if (h.output !== undefined) rec.output = h.output;
  if (h.error !== undefined) rec.error = h.error;
  if (h.cause !== undefined) rec.cause = h.cause;
  if (h.stopDate !== undefined) rec.stopDate = Number(h.stopDate);
  if (h.cur) rec.cursor = JSON.parse(h.cur) as Cursor;
  if (h.tok !== undefined) rec.taskNonce = h.tok;
  if (h.tokState !== undefined) rec.taskState = h.tokState as 'scheduled' | 'started';
  if (h.tokStart !== undefined) rec.taskStart = Number(h.tokStart);
  if (h.tokBeat !== undefined) rec.taskBeat = Number(h.tokBeat);
  if (h.by) rec.producer = h.by;
  if (h.org) rec.origin = h.org;
  if (h.susp && h.susp !== 'null') rec.suspension = JSON.parse(h.susp) as Suspension;
  return rec;
}
