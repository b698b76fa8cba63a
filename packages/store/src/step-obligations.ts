import type { FrameSuspension, StepResult } from '@redstep/core';
import { abandonedChildren, decodeTaskToken, type ExecutionRecord } from './executions.js';
import { parentJob } from './nested.js';
import type { Obligation } from './outbox.js';
import { scopedNameOfArn } from './keys.js';

/** The scoped name an activity ARN's activity is stored under (its tasks' list is keyed by it). */
export const activityName = (arn: string) => scopedNameOfArn(arn);

const isExpress = (arn: string) => arn.includes(':express:');

/** What a step that closes or suspends an execution obliges, written with its commit. */
export interface StepObligationOptions {
  /** The execution's time-out, armed by its first step (or a redrive): when it is due. */
  timeoutAt?: { at: number; wake: string };
  /** Map runs this step started (ids): each gets the pointer back to its execution. */
  mapRunsStarted?: string[];
}

export function stepObligations(rec: ExecutionRecord, result: StepResult, now: number, options: StepObligationOptions = {}): Obligation[] {
  const out: Obligation[] = [];
  if (options.timeoutAt) out.push({ t: 'job', job: { k: 'execTimeout', e: rec.arn, w: options.timeoutAt.wake }, at: options.timeoutAt.at });
  for (const id of options.mapRunsStarted ?? []) out.push({ t: 'mapRun', id });
  if (!result.closing) out.push(...waitObligations(rec.arn, result.suspensions));
  // `.sync` children no task waits on after this step (closed, timed out, cancelled) are stopped, as AWS does.
  for (const [nonce, child] of abandonedChildren(rec, result)) out.push({ t: 'stop', n: nonce, c: child });
  if (result.closing) out.push(...closeObligations(rec, result, now));
  return out;
}

/** What a close obliges: the waiting parent's answer, leaving the running index, an Express execution's keys. */
function closeObligations(rec: ExecutionRecord, result: StepResult, now: number): Obligation[] {
  const out: Obligation[] = [];
  const c = result.closing!;
  const closed: ExecutionRecord = { ...rec, status: c.status, stopDate: now };
  if (c.output !== undefined) closed.output = c.output;
  if (c.error !== undefined) closed.error = c.error;
  if (c.cause !== undefined) closed.cause = c.cause;
  const answer = parentJob(closed);
  if (answer) out.push({ t: 'job', job: answer });
  out.push({ t: 'closed' });
  // An asynchronous Express execution keeps no history once it ends (AWS sends it to logs).
  if (isExpress(rec.arn)) out.push({ t: 'forget' });
  return out;
}

/** What each newly waiting frame waits for: its next job, a timer, an activity task or a call, and the task's time-outs. */
export function waitObligations(arn: string, waiting: FrameSuspension[]): Obligation[] {
  const out: Obligation[] = [];
  for (const { path, wake, suspension } of waiting) {
    const p = path.length ? { p: path } : {};
    switch (suspension.kind) {
      case 'continue':
        out.push({ t: 'job', job: { k: 'continue', e: arn, w: wake, ...p } });
        break;
      case 'timer':
        out.push({ t: 'job', job: { k: 'timer', e: arn, w: wake, ...p }, at: suspension.at });
        break;
      case 'activity':
      case 'invoke': {
        const { task } = suspension;
        const nonce = decodeTaskToken(task.token)!.nonce;
        if (suspension.kind === 'invoke') out.push({ t: 'job', job: { k: 'invoke', e: arn, w: nonce } });
        else out.push({ t: 'push', a: activityName(task.resource), n: nonce, task: { token: task.token, input: task.input, at: task.scheduledAt } });
        if (task.timeoutSeconds !== undefined) {
          out.push({ t: 'job', job: { k: 'taskTimeout', e: arn, w: nonce, heartbeat: false, n: 0 }, at: task.scheduledAt + task.timeoutSeconds * 1000 });
        }
        if (task.heartbeatSeconds !== undefined) {
          out.push({ t: 'job', job: { k: 'taskTimeout', e: arn, w: nonce, heartbeat: true, n: 0 }, at: task.scheduledAt + task.heartbeatSeconds * 1000 });
        }
        break;
      }
      default: {
        const unreachable: never = suspension;
        throw new Error(`unknown suspension ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return out;
}
