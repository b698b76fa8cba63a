import type { Cursor } from '@redstep/core';
import { ExecutionNotRedrivable, redriveCursor, type HistoryEvent } from '@redstep/core';
import { findChild, refuseChildRedrive } from './map-children.js';
import { randomUUID } from 'node:crypto';
import { numbered, redriveExecution as redriveInStore, previousRedrive, type ExecutionRecord, type Obligation } from '@redstep/store';
import { acknowledge, epochSeconds, type ApiContext } from '../context.js';
import { arns, optStr, str } from './common.js';
import { outsideJobGuardMs, requireExecution } from './executions.js';

type Body = Record<string, unknown>;

const DAY_MS = 24 * 3600 * 1000;
/** AWS: a closed execution can be redriven for 14 days. */
const REDRIVABLE_PERIOD_MS = 14 * DAY_MS;
/** AWS: an execution stays open at most a year. */
const MAX_OPEN_MS = 365 * DAY_MS;
/** ExecutionRedriven and at least one more event must fit under the 25,000-event history limit. */
const MAX_EVENTS_TO_REDRIVE = 24_999;
/** AWS answers a repeated client token for 15 minutes. */
const CLIENT_TOKEN_MS = 15 * 60 * 1000;

export interface RedriveStatus {
  redriveStatus: 'REDRIVABLE' | 'NOT_REDRIVABLE';
  redriveStatusReason?: string;
}

/** Whether RedriveExecution would take the execution now, and if not, AWS's reason. */
export async function redriveStatus(ctx: ApiContext, rec: ExecutionRecord): Promise<RedriveStatus> {
  const no = (reason: string): RedriveStatus => ({ redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: reason });
  if (rec.status === 'RUNNING') return no('Execution is RUNNING and cannot be redriven');
  if (rec.status === 'SUCCEEDED') return no('Execution is SUCCEEDED and cannot be redriven');
  const sm = await ctx.stateMachines.head(arns(ctx).key(rec.stateMachineName));
  if (!sm || sm.arn !== rec.stateMachineArn) return no('State machine is in DELETING status');
  if (rec.seq >= MAX_EVENTS_TO_REDRIVE) return no('Execution history event limit exceeded');
  const now = ctx.now();
  if (now - rec.startDate > MAX_OPEN_MS) return no('Execution has exceeded the max execution time');
  if (rec.stopDate !== undefined && now - rec.stopDate > REDRIVABLE_PERIOD_MS) return no('Execution redrivable period exceeded');
  return { redriveStatus: 'REDRIVABLE' };
}

/**
 * RedriveExecution: a FAILED, TIMED_OUT or ABORTED Standard execution resumes from the frames it
 * closed with (see core's redriveCursor), same ARN, input and definition; ExecutionRedriven is
 * appended and the redrive count goes up. The write is one fenced script that also writes what
 * it obliges (the job that resumes it, its time-out), carried out before the answer.
 */
export function redriveExecution(ctx: ApiContext) {
  return async (body: Body) => {
    const arn = str(body, 'executionArn');
    const clientToken = optStr(body, 'clientToken') ?? '';
    if (arn.includes(':express:')) throw new ExecutionNotRedrivable(`Execution of type EXPRESS cannot be redriven: '${arn}'`);
    const child = await findChild(ctx, arn);
    if (child) refuseChildRedrive(child);
    // Names this call's write: a re-sent command whose answer was lost is recognised as this redrive.
    const requestId = randomUUID();
    for (;;) {
      const rec = await requireExecution(ctx, arn, { cursor: true });
      if (clientToken) {
        const prior = await previousRedrive(ctx.handle, arn, clientToken);
        if (prior !== undefined && ctx.now() - prior.date < CLIENT_TOKEN_MS) {
          // The earlier call may have died before carrying out what its redrive obliges.
          if (rec.outbox) await ctx.outbox.drain(rec.arn, rec.outbox);
          await acknowledge(ctx);
          return { redriveDate: epochSeconds(prior.date) };
        }
      }
      const status = await redriveStatus(ctx, rec);
      if (status.redriveStatus === 'NOT_REDRIVABLE') throw new ExecutionNotRedrivable(`${status.redriveStatusReason}: '${arn}'`);
      const now = ctx.now();
      const count = rec.redriveCount + 1;
      // Stopped before its first step, an execution redrives from its first state.
      const from = rec.cursor ? redriveCursor(rec.cursor, rec.stopDate) : await firstStateCursor(ctx, rec, now);
      const cursor = { ...from, wake: wakeOf(count) };
      const event: HistoryEvent = {
        id: rec.seq + 1,
        previousEventId: rec.seq,
        timestamp: now,
        type: 'ExecutionRedriven',
        executionRedrivenEventDetails: { redriveCount: count },
      };
      const obligations = numbered(`r${count}`, [{ t: 'job', job: { k: 'continue', e: rec.arn, w: wakeOf(count) } }, ...(await timeoutObligation(ctx, rec, count, now))]);
      // Should this process die between the redrive and what it obliges, the reconciler comes soon.
      await ctx.running.lookSoon(rec.arn, outsideJobGuardMs(ctx));
      const res = await redriveInStore(ctx.handle, rec, cursor, event, now, { clientToken, requestId, outbox: obligations });
      if (res.kind === 'missing') continue;
      if (res.kind === 'refused') continue; // someone moved it (a concurrent redrive): look again
      await ctx.outbox.drain(rec.arn, obligations);
      await acknowledge(ctx);
      return { redriveDate: epochSeconds(res.date) };
    }
  };
}

const wakeOf = (count: number) => `redrive-${count}`;

async function firstStateCursor(ctx: ApiContext, rec: ExecutionRecord, now: number): Promise<Cursor> {
  const text = await ctx.stateMachines.getDefinition(rec.definitionSha);
  const startAt = (JSON.parse(text ?? '{}') as { StartAt: string }).StartAt;
  return { state: startAt, input: JSON.parse(rec.input), entered: false, enteredTime: now, enteredEventId: 0, attempts: [] };
}

/** The definition's TimeoutSeconds counts again from the redrive. */
async function timeoutObligation(ctx: ApiContext, rec: ExecutionRecord, count: number, now: number): Promise<Obligation[]> {
  const loaded = await ctx.definitions.get(rec.definitionSha);
  const timeout = loaded?.definition.TimeoutSeconds;
  return timeout === undefined ? [] : [{ t: 'job', job: { k: 'execTimeout', e: rec.arn, w: `timeout-r${count}` }, at: now + timeout * 1000 }];
}
