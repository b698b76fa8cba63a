import { encodeCursor, encodeEvent, type ExecutionRecord } from './executions.js';
import type { Cursor, HistoryEvent } from '@redstep/core';
import { executionId, keys } from './keys.js';
import { encodeObligations, type OutboxEntry } from './outbox.js';
import type { RedisHandle } from './redis.js';

export type RedriveResult = { kind: 'redriven'; date: number } | { kind: 'missing' } | { kind: 'refused'; status: string };

/**
 * RedriveExecution's write: one fenced script appends ExecutionRedriven, restores the cursor to
 * resume from, reopens the execution and writes what that obliges to its outbox. A client token
 * seen before, or the same request re-sent, returns that redrive.
 */
export async function redriveExecution(
  h: RedisHandle,
  rec: ExecutionRecord,
  cursor: Cursor,
  event: HistoryEvent,
  now: number,
  request: { clientToken: string; requestId: string; outbox: OutboxEntry[] },
): Promise<RedriveResult> {
  const id = executionId(rec.arn);
  const res = (await h.run(
    'redriveExecution',
    [keys.execution(id), keys.history(id), keys.cursor(id), keys.outbox(id)],
    [rec.seq, encodeEvent(event), encodeCursor(cursor), now, rec.redriveCount + 1, request.clientToken, request.requestId, ...encodeObligations(request.outbox)],
  )) as [number, string?];
  if (res[0] === 1) return { kind: 'redriven', date: Number(res[1]) };
  if (res[0] === -1) return { kind: 'missing' };
  return { kind: 'refused', status: String(res[1]) };
}

/** The redrive a client token already made on this execution: its date and redrive count. */
export async function previousRedrive(h: RedisHandle, executionArn: string, clientToken: string): Promise<{ date: number; count: number } | undefined> {
  const id = executionId(executionArn);
  const [date, count] = await Promise.all([h.redis.hget(keys.execution(id), `ct:${clientToken}`), h.redis.hget(keys.execution(id), 'rc')]);
  return date === null ? undefined : { date: Number(date), count: Number(count ?? 0) };
}
