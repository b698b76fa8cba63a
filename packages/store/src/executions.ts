import { createHmac, randomBytes } from 'node:crypto';
import type { Cursor, FrameSuspension, HistoryEvent, PendingTask, StepResult, Suspension } from '@redstep/core';
import { executionId, keys } from './keys.js';
import type { ChildWrites } from './map-runs.js';
import { decodeOutbox, encodeObligations, type OutboxEntry } from './outbox.js';
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
  /** History length: event ids continue from it. */
  seq: number;
  /** Commits so far (absent: none yet): with the sequence, the fence of every commit. */
  version?: number;
  /** 'start' until the first step commits. */
  wake: string;
  cursor?: Cursor;
  /** Pending activity tasks by nonce: handed out yet, when, and the last heartbeat. */
  tasks: Record<string, PendingTaskState>;
  redriveCount: number;
  /** Random id of the StartExecution request that created it. */
  origin?: string;
  /** The version the execution runs, when started through a version or alias ARN. */
  stateMachineVersionArn?: string;
  /** The alias the execution was started through. */
  stateMachineAliasArn?: string;
  /** When it was last redriven. */
  redriveDate?: number;
  /** The mock test case it runs (started on `<stateMachineArn>#<TestCaseName>`). */
  testCase?: string;
  /** The Task of another execution that started this one (`states:startExecution`). */
  parent?: ParentLink;
  /**
   * `.sync` children by their task's nonce. A link outlives its task until the child is known
   * closed, so a crash after the parent's step never leaves a child nobody stops.
   */
  children?: Record<string, string>;
  /** Obligations of earlier changes not yet carried out (absent: none). */
  outbox?: OutboxEntry[];
  /** When the last step was committed (absent: none since it started or was redriven). */
  lastCommit?: number;
}

/** A nested execution's parent: the execution and its task's nonce, and how the parent waits. */
export interface ParentLink {
  arn: string;
  nonce: string;
  pattern: 'request' | 'sync' | 'sync2' | 'callback';
}

/** An answer to a pending task, recorded before the job that applies it. */
export type TaskAnswer = { kind: 'succeeded'; output: string } | { kind: 'failed'; error?: string; cause?: string; /** the call failed to submit */ submitFailed?: true };

export interface PendingTaskState {
  state: 'scheduled' | 'started';
  /** Answered, and not yet applied: a time-out falling due applies this instead. */
  answer?: TaskAnswer;
  start?: number;
  beat?: number;
  /**
   * A Task that waits after its call (callback, `.sync`) whose call is not yet recorded: its
   * answers wait for TaskSubmitted. (Tasks scheduled before this was kept never wait.)
   */
  submissionDue?: boolean;
}

/** `replayed`: this commit (by its id) was made before; what it obliges is in the outbox. */
export type CommitResult = 'committed' | 'replayed' | 'missing' | 'fenced';

const CODES: Record<number, CommitResult> = { 1: 'committed', 2: 'replayed', [-1]: 'missing', [-2]: 'fenced' };

/** What a commit writes besides the step itself. */
export interface CommitExtras {
  /** Unique per change: a re-sent command finds it and answers as the first time. */
  commitId: string;
  outbox?: OutboxEntry[];
  /** Map run records to write (map run id -> JSON), and map run ARNs whose limits go. */
  mapRuns?: [id: string, json: string][];
  dropLimits?: string[];
  /** Map run children to write (see MapRunWrite). */
  children?: ChildWrites;
}

export function encodeEvent(e: HistoryEvent): string {
  return JSON.stringify(e);
}

/** What the metrics of an answered task need: when it was handed out, and an activity task's activity and scheduling time (ms). */
export interface AnsweredTask {
  start?: number;
  activity?: string;
  scheduledAt?: number;
}

export class ExecutionStore {
  private secret: string | undefined;

  constructor(private readonly h: RedisHandle) {}

  /** The secret task-token nonces derive from: made by the first process that asks, then shared. */
  async tokenSecret(): Promise<string> {
    if (this.secret) return this.secret;
    await this.h.redis.set(keys.tokenSecret(), randomBytes(32).toString('hex'), 'NX');
    this.secret = (await this.h.redis.get(keys.tokenSecret()))!;
    return this.secret;
  }

  /** Creates the execution; returns undefined when created, else the existing one's status, input and origin. */
  async create(rec: ExecutionRecord, started: HistoryEvent, outbox: OutboxEntry[] = []): Promise<{ status: string; input: string; origin?: string } | undefined> {
    const id = executionId(rec.arn);
    const fields: (string | number)[] = [];
    for (const [k, v] of Object.entries(mutableFields(rec))) fields.push(k, v);
    const res = await this.h.run(
      'createExecution',
      [keys.execution(id), keys.history(id), keys.executionMeta(id), keys.outbox(id)],
      [encodeEvent(started), JSON.stringify(metaOf(rec)), outbox.length, ...encodeObligations(outbox), ...fields],
    );
    if (res === 1) return undefined;
    const [status, metaText] = res as [string, string];
    const meta = JSON.parse(metaText) as Meta;
    return meta.org === undefined ? { status, input: meta.input } : { status, input: meta.input, origin: meta.org };
  }

  /**
   * The execution's record; with `cursor: false` without where it stands, which readers that
   * only describe it skip (a running Map's cursor can be large, and describing is frequent).
   */
  async load(arn: string, options: { cursor?: boolean } = {}): Promise<ExecutionRecord | undefined> {
    return this.loadId(executionId(arn), options);
  }

  /** The same, by execution id (`<smName>:<execName>`, as the running index holds it). */
  async loadId(id: string, { cursor: withCursor = true }: { cursor?: boolean } = {}): Promise<ExecutionRecord | undefined> {
    const [hash, meta, cursor, outbox] = await Promise.all([
      this.h.redis.hgetall(keys.execution(id)),
      this.h.redis.get(keys.executionMeta(id)),
      withCursor ? this.h.redis.get(keys.cursor(id)) : null,
      this.h.redis.hgetall(keys.outbox(id)),
    ]);
    if (!hash.status || meta === null) return undefined;
    const rec = toRecord(hash, JSON.parse(meta) as Meta, cursor);
    if (Object.keys(outbox).length > 0) rec.outbox = decodeOutbox(outbox);
    return rec;
  }

  /**
   * Commits a step: events appended, cursor replaced, record and map runs updated and its
   * obligations written to the outbox atomically, fenced on the sequence and the version the
   * caller read.
   */
  async commit(rec: ExecutionRecord, result: StepResult, now: number, extras: CommitExtras): Promise<CommitResult> {
    const id = executionId(rec.arn);
    const events = result.events.map(encodeEvent);
    const set: Record<string, string | number> = { seq: rec.seq + result.events.length };
    const del: string[] = [];
    const before = Object.keys(rec.tasks);
    let cursor = '';
    if (result.closing) {
      const c = result.closing;
      set.status = c.status;
      set.stopDate = now;
      set.wake = '';
      if (c.output !== undefined) set.output = c.output;
      if (c.error !== undefined) set.error = c.error;
      if (c.cause !== undefined) set.cause = c.cause;
      del.push(...before.flatMap(taskFields));
      // An unsuccessful close keeps where it failed (or stood) so RedriveExecution can resume it.
      if (result.failedCursor) cursor = encodeCursor(result.failedCursor);
      else if (c.status !== 'SUCCEEDED') cursor = '=';
    } else {
      set.wake = '';
      cursor = encodeCursor(result.cursor!);
      // Tasks pending after the step: new ones are scheduled, answered or cancelled ones go.
      const pending = [...pendingTasks(result.cursor!)];
      const after = new Set(pending.map((t) => nonceOf(t.token)));
      for (const task of pending) {
        const nonce = nonceOf(task.token);
        if (rec.tasks[nonce]) continue;
        set[`t:${nonce}`] = 'scheduled';
        // What SendTask* needs for activity metrics, so it reads a few fields, not the cursor.
        if (task.resource.includes(':activity:')) set[`a:${nonce}`] = `${task.scheduledAt}|${task.resource.slice(task.resource.lastIndexOf(':') + 1)}`;
        // A call that waits after it (callback, `.sync`) has its submission to record first.
        if (task.integration && task.integration.pattern !== 'request') set[`u:${nonce}`] = SUBMISSION_DUE;
      }
      for (const nonce of before) if (!after.has(nonce)) del.push(...taskFields(nonce));
    }
    set.at = now;
    const pairs = Object.entries(set).flat();
    const outbox = extras.outbox ?? [];
    const mapRuns = extras.mapRuns ?? [];
    const args: (string | number)[] = [rec.seq, rec.version ?? 0, extras.commitId, cursor];
    args.push(events.length, ...events, del.length, ...del, pairs.length / 2, ...pairs);
    const { added = [], updated = [] } = extras.children ?? {};
    args.push(outbox.length, ...encodeObligations(outbox), mapRuns.length, ...mapRuns.flat(), added.length, ...added.flat(), updated.length, ...updated.flat());
    args.push(...(extras.dropLimits ?? []));
    const res = (await this.h.run(
      'commitStep',
      [keys.execution(id), keys.history(id), keys.cursor(id), keys.outbox(id), keys.mapRuns(id), keys.mapRunLimits(id), keys.mapRunChildren(id)],
      args,
    )) as number;
    return CODES[res]!;
  }

  /** Links a `.sync` task to the child it started; false when the parent no longer waits on it. */
  async linkChild(parentArn: string, nonce: string, childArn: string): Promise<boolean> {
    return (await this.h.run('linkChild', [keys.execution(executionId(parentArn))], [nonce, childArn])) === 1;
  }

  /** Forgets links whose children are known closed. */
  async unlinkChildren(parentArn: string, nonces: string[]): Promise<void> {
    if (nonces.length > 0) await this.h.redis.hdel(keys.execution(executionId(parentArn)), ...nonces.map((n) => `n:${n}`));
  }

  /** The execution's status alone (undefined when it does not exist). */
  async status(arn: string): Promise<ExecutionStatus | undefined> {
    return ((await this.h.redis.hget(keys.execution(executionId(arn)), 'status')) ?? undefined) as ExecutionStatus | undefined;
  }

  /** Whether a running parent still waits on this task (a `.sync` child checks before it steps). */
  async parentWaits(parent: ParentLink): Promise<boolean> {
    const [status, state] = await this.h.redis.hmget(keys.execution(executionId(parent.arn)), 'status', `t:${parent.nonce}`);
    return status === 'RUNNING' && state !== null;
  }

  /** Drops an execution's keys: an Express execution once it has ended. */
  async forget(arn: string): Promise<void> {
    const id = executionId(arn);
    await this.h.redis.del(keys.execution(id), keys.history(id), keys.executionMeta(id), keys.cursor(id), keys.outbox(id), keys.mapRuns(id), keys.mapRunLimits(id), keys.mapRunChildren(id));
  }

  /**
   * GetActivityTask took this task: ActivityStarted goes to history once. `handout` names this
   * hand-out, so a re-sent command (its answer lost) answers true again for the same hand-out.
   */
  async startTask(token: string, workerName: string | undefined, now: number, handout: string): Promise<boolean> {
    const { arn, nonce } = decodeTaskToken(token)!;
    const id = executionId(arn);
    const details = JSON.stringify(workerName === undefined ? {} : { workerName });
    const res = await this.h.run('startTask', [keys.execution(id), keys.history(id)], [nonce, now, details, handout]);
    return res === 1;
  }

  /**
   * A service integration call is about to be made for this task: its heartbeat clock starts.
   * Returns the call's invocation number of its state (for mocks; 0 when `state` is ''), or
   * undefined when the task is no longer pending.
   */
  async startInvoke(arn: string, nonce: string, now: number, state = ''): Promise<number | undefined> {
    const res = (await this.h.run('startInvoke', [keys.execution(executionId(arn))], [nonce, now, state])) as number;
    return res < 0 ? undefined : res;
  }

  /**
   * The call of a Task that waits after it (callback, `.sync`) is done: TaskSubmitted goes to
   * history once with `event`, or without it the task is only marked (nothing was submitted).
   * Answers to such a task are held back until then. False when the task is no longer pending.
   */
  async submitTask(arn: string, nonce: string, now: number, event?: { previousEventId: number; details: Record<string, unknown> }): Promise<boolean> {
    const id = executionId(arn);
    const args = [nonce, now, event ? JSON.stringify(event.details) : '', event?.previousEventId ?? 0];
    return ((await this.h.run('submitTask', [keys.execution(id), keys.history(id)], args)) as number) >= 0;
  }

  /**
   * Records the answer to a pending task (see answerTask.lua): 'recorded', 'answered' (an answer
   * came before: the first stands) or 'gone' (the task is no longer pending). With it, when the
   * task was handed out, and an activity task's activity and scheduling time, for the metrics.
   */
  async answerTask(arn: string, nonce: string, answer: TaskAnswer): Promise<{ outcome: 'recorded' | 'answered' | 'gone'; task?: AnsweredTask }> {
    const res = (await this.h.run('answerTask', [keys.execution(executionId(arn))], [nonce, JSON.stringify(answer)])) as -1 | [number, string | null, string | null];
    if (res === -1) return { outcome: 'gone' };
    const [fresh, start, scheduled] = res;
    const task: AnsweredTask = {};
    if (start) task.start = Number(start);
    if (scheduled) {
      const bar = scheduled.indexOf('|');
      task.scheduledAt = Number(scheduled.slice(0, bar));
      task.activity = scheduled.slice(bar + 1);
    }
    return { outcome: fresh === 1 ? 'recorded' : 'answered', task };
  }

  async heartbeat(token: string, now: number): Promise<boolean> {
    const { arn, nonce } = decodeTaskToken(token)!;
    return (await this.h.run('heartbeatTask', [keys.execution(executionId(arn))], [`t:${nonce}`, `b:${nonce}`, now])) === 1;
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
 * Task tokens: the execution ARN plus a nonce stored with the pending task. The nonce binds
 * each token to one scheduling of one execution; it is derived with a secret kept in Redis
 * from the execution, its redrive, the step (sequence and version the step read) and the
 * order of the task within the step, so it cannot be guessed, and a step replayed (a retried
 * job, or a commit Redis lost with its last second) mints the very tokens handed out before.
 */
export function taskTokens(secret: string, rec: ExecutionRecord): () => string {
  let n = 0;
  const step = [rec.arn, rec.redriveCount, rec.seq, rec.version ?? 0].join('|');
  return () => taskToken(rec.arn, createHmac('sha256', secret).update(`${step}|${n++}`).digest('hex').slice(0, 32));
}

export function taskToken(executionArn: string, nonce: string): string {
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
  /** Version and alias ARNs it was started through. */
  ver?: string;
  ali?: string;
  /** Mock test case and parent link. */
  tc?: string;
  par?: ParentLink;
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
  if (rec.stateMachineVersionArn) meta.ver = rec.stateMachineVersionArn;
  if (rec.stateMachineAliasArn) meta.ali = rec.stateMachineAliasArn;
  if (rec.testCase) meta.tc = rec.testCase;
  if (rec.parent) meta.par = rec.parent;
  return meta;
}

function mutableFields(rec: ExecutionRecord): Record<string, string | number> {
  return { status: rec.status, start: rec.startDate, seq: rec.seq, wake: rec.wake, rc: rec.redriveCount };
}

/** `u:<nonce>` of a callback or `.sync` task until its call is recorded (then the event id, or 0). */
const SUBMISSION_DUE = 'due';

const taskFields = (nonce: string) => [`t:${nonce}`, `s:${nonce}`, `b:${nonce}`, `a:${nonce}`, `mn:${nonce}`, `u:${nonce}`, `r:${nonce}`, `ho:${nonce}`];

/** A `.sync` child's link: its task's nonce and its execution ARN. */
export type ChildLink = [nonce: string, child: string];

/**
 * The `.sync` children no task waits on once a step is committed: every link when it closed the
 * execution, else those whose task it ended (answered, timed out, cancelled). A child that
 * answered its task is closed already; the others are to be stopped.
 */
export function abandonedChildren(rec: ExecutionRecord, result: StepResult): ChildLink[] {
  const after = new Set(result.closing || !result.cursor ? [] : [...pendingTasks(result.cursor)].map((t) => nonceOf(t.token)));
  return Object.entries(rec.children ?? {}).filter(([nonce]) => !after.has(nonce));
}

/** Every frame of a cursor tree: the root and, through fan-outs, each running child. */
export function* frames(cursor: Cursor, path: number[] = []): Generator<{ cursor: Cursor; path: number[] }> {
  yield { cursor, path };
  for (const [index, child] of Object.entries(cursor.fanout?.running ?? {})) yield* frames(child, [...path, Number(index)]);
}

export function frameAt(cursor: Cursor | undefined, path: readonly number[]): Cursor | undefined {
  let frame = cursor;
  for (const index of path) frame = frame?.fanout?.running[String(index)];
  return frame;
}

function* pendingTasks(cursor: Cursor): Generator<PendingTask> {
  for (const { cursor: frame } of frames(cursor)) if (frame.task) yield frame.task;
}

/** What every waiting frame waits for, as the step that suspended it reported; replays re-enqueue these. */
export function waitingFrames(cursor: Cursor): FrameSuspension[] {
  const waiting: FrameSuspension[] = [];
  for (const { cursor: frame, path } of frames(cursor)) {
    if (frame.task) waiting.push({ path, wake: frame.task.token, suspension: { kind: frame.task.integration ? 'invoke' : 'activity', task: frame.task } });
    else if (frame.wake !== undefined) {
      const suspension: Suspension = frame.until !== undefined ? { kind: 'timer', at: frame.until } : { kind: 'continue' };
      waiting.push({ path, wake: frame.wake, suspension });
    }
  }
  return waiting;
}

/**
 * Tasks in the stored cursor keep only their nonce in place of the token: a token is the
 * execution ARN plus the nonce, so storing it whole would only repeat the ARN.
 */
export function encodeCursor(cursor: Cursor): string {
  return JSON.stringify(mapTasks(cursor, (token) => nonceOf(token)));
}

function restoreTokens(cursor: Cursor, arn: string): Cursor {
  return mapTasks(cursor, (nonce) => taskToken(arn, nonce));
}

function mapTasks(cursor: Cursor, token: (value: string) => string): Cursor {
  const copy: Cursor = { ...cursor };
  if (cursor.task) copy.task = { ...cursor.task, token: token(cursor.task.token) };
  if (cursor.fanout) {
    const running: Record<string, Cursor> = {};
    for (const [index, child] of Object.entries(cursor.fanout.running)) running[index] = mapTasks(child, token);
    copy.fanout = { ...cursor.fanout, running };
  }
  return copy;
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
    version: Number(h.v ?? 0),
    wake: h.wake ?? '',
    tasks: {},
    redriveCount: Number(h.rc ?? 0),
  };
  if (meta.org !== undefined) rec.origin = meta.org;
  if (meta.ver !== undefined) rec.stateMachineVersionArn = meta.ver;
  if (meta.ali !== undefined) rec.stateMachineAliasArn = meta.ali;
  if (meta.tc !== undefined) rec.testCase = meta.tc;
  if (meta.par !== undefined) rec.parent = meta.par;
  if (h.output !== undefined) rec.output = h.output;
  if (h.error !== undefined) rec.error = h.error;
  if (h.cause !== undefined) rec.cause = h.cause;
  if (h.stopDate !== undefined) rec.stopDate = Number(h.stopDate);
  for (const [field, value] of Object.entries(h)) {
    if (!field.startsWith('t:')) continue;
    const nonce = field.slice(2);
    const task: PendingTaskState = { state: value as PendingTaskState['state'] };
    if (h[`s:${nonce}`] !== undefined) task.start = Number(h[`s:${nonce}`]);
    if (h[`b:${nonce}`] !== undefined) task.beat = Number(h[`b:${nonce}`]);
    if (h[`u:${nonce}`] === SUBMISSION_DUE) task.submissionDue = true;
    if (h[`r:${nonce}`] !== undefined) task.answer = JSON.parse(h[`r:${nonce}`]!) as TaskAnswer;
    rec.tasks[nonce] = task;
  }
  for (const [field, value] of Object.entries(h)) {
    if (field.startsWith('n:')) (rec.children ??= {})[field.slice(2)] = value;
  }
  if (h.rd !== undefined) rec.redriveDate = Number(h.rd);
  if (h.at !== undefined) rec.lastCommit = Number(h.at);
  if (cursorText) {
    rec.cursor = restoreTokens(JSON.parse(cursorText) as Cursor, rec.arn);
  }
  return rec;
}
