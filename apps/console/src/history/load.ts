/**
 * Reading an execution's history through GetExecutionHistory: the whole of it once (pages of
 * 1,000), then only what is new, newest first (reverseOrder) until an event already held.
 */
import { call } from '../api.js';
import type { HistoryEvent } from './types.js';

interface HistoryPage {
  events: HistoryEvent[];
  nextToken?: string;
}

/** `onPage` hears how many events a first, whole read holds so far (a long history takes pages). */
export async function loadHistory(executionArn: string, held: readonly HistoryEvent[], onPage?: (count: number) => void): Promise<HistoryEvent[]> {
  const last = held.length > 0 ? held[held.length - 1]!.id : 0;
  if (last === 0) {
    const all: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await call<HistoryPage>('GetExecutionHistory', { executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) });
      all.push(...page.events);
      nextToken = page.nextToken;
      if (nextToken) onPage?.(all.length);
    } while (nextToken);
    return all;
  }
  const fresh: HistoryEvent[] = [];
  let nextToken: string | undefined;
  for (;;) {
    const page = await call<HistoryPage>('GetExecutionHistory', { executionArn, maxResults: 200, reverseOrder: true, ...(nextToken ? { nextToken } : {}) });
    let reached = false;
    for (const e of page.events) {
      if (e.id <= last) {
        reached = true;
        break;
      }
      fresh.push(e);
    }
    nextToken = page.nextToken;
    if (reached || !nextToken) break;
  }
  if (fresh.length === 0) return held as HistoryEvent[];
  fresh.reverse();
  return [...held, ...fresh];
}
