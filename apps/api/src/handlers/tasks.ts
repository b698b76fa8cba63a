import { InvalidOutput, InvalidToken, TaskTimedOut } from '@redstep/core';
import { decodeTaskToken, frames, type ExecutionRecord, type StepJob } from '@redstep/store';
import type { ApiContext } from '../context.js';
import { arns, optStr, str } from './common.js';
import { requireActivity } from './activities.js';

type Body = Record<string, unknown>;

/** AWS holds GetActivityTask open this long before answering with no task. */
const LONG_POLL_MS = 60_000;

export function getActivityTask(ctx: ApiContext) {
  return async (body: Body) => {
    const arn = str(body, 'activityArn');
    await requireActivity(ctx, arn);
    const { name } = arns(ctx).parseActivity(arn);
    const pollers = ctx.metrics.activityPollers;
    pollers.inc({ activity: name });
    try {
      return await longPoll(ctx, name, optStr(body, 'workerName'));
    } finally {
      pollers.dec({ activity: name });
    }
  };
}

/** Waits up to the long-poll time for a task of this activity that can still be started. */
async function longPoll(ctx: ApiContext, name: string, workerName: string | undefined) {
  const deadline = ctx.now() + LONG_POLL_MS;
  while (!ctx.closing.signal.aborted) {
    const left = deadline - ctx.now();
    if (left <= 0) break;
    let task;
    try {
      task = await ctx.blocking.with((conn) => ctx.activities.take(conn, name, Math.max(0.01, left / 1000)));
    } catch (e) {
      if (ctx.closing.signal.aborted) break; // shutting down: release the poller
      throw e;
    }
    if (!task) break;
    // A stale entry (execution closed, task timed out or already taken) is skipped.
    const now = ctx.now();
    if (await ctx.executions.startTask(task.token, workerName, now)) {
      ctx.metrics.activitiesStarted.inc({ activity: name });
      if (task.at !== undefined) ctx.metrics.activityScheduleTime.observe({ activity: name }, (now - task.at) / 1000);
      return { taskToken: task.token, input: task.input };
    }
  }
  return {};
}

/** Activity run time (handed out to closed) and total time (scheduled to closed) of a task closing now. */
function observeClosed(ctx: ApiContext, rec: ExecutionRecord, nonce: string, outcome: 'activitiesSucceeded' | 'activitiesFailed'): void {
  const task = rec.cursor && [...frames(rec.cursor)].find((f) => f.cursor.task && decodeTaskToken(f.cursor.task.token)?.nonce === nonce)?.cursor.task;
  if (!task) return;
  const activity = task.resource.slice(task.resource.lastIndexOf(':') + 1);
  const now = ctx.now();
  const m = ctx.metrics;
  m[outcome].inc({ activity });
  const start = rec.tasks[nonce]?.start;
  if (start !== undefined) m.activityRunTime.observe({ activity }, (now - start) / 1000);
  m.activityTime.observe({ activity }, (now - task.scheduledAt) / 1000);
}

/** The pending task a token names, or AWS's error for a token that is bad or no longer pending. */
async function pendingTask(ctx: ApiContext, token: string) {
  const decoded = decodeTaskToken(token);
  if (!decoded) throw new InvalidToken('Invalid Token: \'Invalid token\'');
  const rec = await ctx.executions.load(decoded.arn);
  if (!rec || rec.status !== 'RUNNING' || !rec.tasks[decoded.nonce]) {
    throw new TaskTimedOut("Task Timed Out: 'Provided task does not exist anymore'");
  }
  return { ...decoded, rec };
}

export function sendTaskSuccess(ctx: ApiContext) {
  return async (body: Body) => {
    const output = str(body, 'output');
    try {
      JSON.parse(output);
    } catch (e) {
      throw new InvalidOutput(`Invalid Output: '${(e as Error).message}'`);
    }
    const { arn, nonce, rec } = await pendingTask(ctx, str(body, 'taskToken'));
    await ctx.queue.add({ k: 'taskSucceeded', e: arn, w: nonce, output });
    observeClosed(ctx, rec, nonce, 'activitiesSucceeded');
    return {};
  };
}

export function sendTaskFailure(ctx: ApiContext) {
  return async (body: Body) => {
    const { arn, nonce, rec } = await pendingTask(ctx, str(body, 'taskToken'));
    const job: StepJob = { k: 'taskFailed', e: arn, w: nonce };
    const error = optStr(body, 'error');
    const cause = optStr(body, 'cause');
    if (error !== undefined) job.error = error;
    if (cause !== undefined) job.cause = cause;
    await ctx.queue.add(job);
    observeClosed(ctx, rec, nonce, 'activitiesFailed');
    return {};
  };
}

export function sendTaskHeartbeat(ctx: ApiContext) {
  return async (body: Body) => {
    const token = str(body, 'taskToken');
    await pendingTask(ctx, token);
    if (!(await ctx.executions.heartbeat(token, ctx.now()))) {
      throw new TaskTimedOut("Task Timed Out: 'Provided task does not exist anymore'");
    }
    return {};
  };
}
