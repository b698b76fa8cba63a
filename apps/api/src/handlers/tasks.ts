import { randomUUID } from 'node:crypto';
import { InvalidOutput, InvalidToken, parseArn, TaskTimedOut } from '@redstep/core';
import { decodeTaskToken, type AnsweredTask, type TaskAnswer } from '@redstep/store';
import { acknowledge, type ApiContext } from '../context.js';
import { arns, optStr, str } from './common.js';
import { requireActivity } from './activities.js';

type Body = Record<string, unknown>;

/** AWS holds GetActivityTask open this long before answering with no task. */
const LONG_POLL_MS = 60_000;

export function getActivityTask(ctx: ApiContext) {
  return async (body: Body, gone: AbortSignal) => {
    const arn = str(body, 'activityArn');
    await requireActivity(ctx, arn);
    const { name } = arns(ctx).parseActivity(arn);
    const pollers = ctx.metrics.activityPollers;
    pollers.inc({ activity: name });
    try {
      return await longPoll(ctx, arns(ctx).key(name), optStr(body, 'workerName'), gone);
    } finally {
      pollers.dec({ activity: name });
    }
  };
}

/**
 * Waits up to the long-poll time for a task of this activity (`name` is its scoped name) that can
 * still be started. A poller that hangs up (`gone`) stops the wait, so no task is handed to a
 * closed connection.
 */
async function longPoll(ctx: ApiContext, name: string, workerName: string | undefined, gone: AbortSignal) {
  const deadline = ctx.now() + LONG_POLL_MS;
  let stale = false;
  while (!ctx.closing.signal.aborted && !gone.aborted) {
    const left = deadline - ctx.now();
    if (left <= 0) break;
    // A poll whose task was stale keeps its place at the head of the line.
    const taken = await ctx.polls.wait(name, left, gone, stale);
    if (!taken) break;
    const { task, raw } = taken;
    if (gone.aborted) {
      // Taken as the poller hung up: back to the head of the list for the next one.
      await ctx.activities.putBack(name, [raw]);
      break;
    }
    // A stale entry (execution closed, task timed out or already taken) is skipped.
    const now = ctx.now();
    const nonce = decodeTaskToken(task.token)?.nonce ?? '';
    const started = nonce !== '' && (await ctx.executions.startTask(task.token, workerName, now, randomUUID()));
    // Recorded (or stale): off the hand-out list. Not awaited: if this write is lost, recovery
    // puts the entry back and the next poller finds it stale.
    ctx.activities.handedOut(name, raw, nonce).catch(() => {});
    if (started) {
      // Handed out only once its start is as durable as asked: a lost start would hand it out again.
      await acknowledge(ctx);
      ctx.metrics.activitiesStarted.inc({ activity: name });
      if (task.at !== undefined) ctx.metrics.activityScheduleTime.observe({ activity: name }, (now - task.at) / 1000);
      return { taskToken: task.token, input: task.input };
    }
    stale = true;
  }
  return {};
}

/** Activity run time (handed out to closed) and total time (scheduled to closed) of a task closing now. */
function observeClosed(ctx: ApiContext, task: AnsweredTask, outcome: 'activitiesSucceeded' | 'activitiesFailed'): void {
  const { activity } = task;
  if (activity === undefined) return;
  const now = ctx.now();
  const m = ctx.metrics;
  m[outcome].inc({ activity });
  if (task.start !== undefined) m.activityRunTime.observe({ activity }, (now - task.start) / 1000);
  if (task.scheduledAt !== undefined) m.activityTime.observe({ activity }, (now - task.scheduledAt) / 1000);
}

/**
 * The execution and task a token names, or AWS's error for a token that is not one. A token is
 * bound to its execution's account and region: another caller's is not one.
 */
function decode(ctx: ApiContext, token: string) {
  const decoded = decodeTaskToken(token);
  if (!decoded || !inScope(ctx, decoded.arn)) throw new InvalidToken("Invalid Token: 'Invalid token'");
  return decoded;
}

function inScope(ctx: ApiContext, arn: string): boolean {
  try {
    const { scope } = parseArn(arn);
    return scope.account === ctx.scope.account && scope.region === ctx.scope.region;
  } catch {
    return false;
  }
}

const gone = () => new TaskTimedOut("Task Timed Out: 'Provided task does not exist anymore'");

/**
 * Records the answer with the execution, then enqueues the job that applies it: a time-out that
 * falls due first (the job's worker died) applies the recorded answer instead. The first answer
 * stands; a task no longer pending is AWS's TaskTimedOut.
 */
async function answer(ctx: ApiContext, token: string, value: TaskAnswer): Promise<AnsweredTask> {
  const { arn, nonce } = decode(ctx, token);
  const { outcome, task } = await ctx.executions.answerTask(arn, nonce, value);
  if (outcome === 'gone') throw gone();
  if (value.kind === 'succeeded') await ctx.queue.add({ k: 'taskSucceeded', e: arn, w: nonce, output: value.output });
  else await ctx.queue.add({ k: 'taskFailed', e: arn, w: nonce, ...(value.error !== undefined && { error: value.error }), ...(value.cause !== undefined && { cause: value.cause }) });
  await acknowledge(ctx);
  return task!;
}

export function sendTaskSuccess(ctx: ApiContext) {
  return async (body: Body) => {
    const token = str(body, 'taskToken');
    const output = str(body, 'output');
    try {
      JSON.parse(output);
    } catch (e) {
      throw new InvalidOutput(`Invalid Output: '${(e as Error).message}'`);
    }
    observeClosed(ctx, await answer(ctx, token, { kind: 'succeeded', output }), 'activitiesSucceeded');
    return {};
  };
}

export function sendTaskFailure(ctx: ApiContext) {
  return async (body: Body) => {
    const failure: { error?: string; cause?: string } = {};
    const error = optStr(body, 'error');
    const cause = optStr(body, 'cause');
    if (error !== undefined) failure.error = error;
    if (cause !== undefined) failure.cause = cause;
    observeClosed(ctx, await answer(ctx, str(body, 'taskToken'), { kind: 'failed', ...failure }), 'activitiesFailed');
    return {};
  };
}

export function sendTaskHeartbeat(ctx: ApiContext) {
  return async (body: Body) => {
    const token = str(body, 'taskToken');
    decode(ctx, token);
    if (!(await ctx.executions.heartbeat(token, ctx.now()))) throw gone();
    return {};
  };
}
