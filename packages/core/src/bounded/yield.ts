/**
 * Cooperative turns for loops whose steps are each bounded but whose count is not (a Map's
 * ItemSelector over every item): past a few milliseconds the loop waits one turn of the event
 * loop, so the worker's other jobs, lock renewals and API calls run in between.
 */

/** How long such a loop may run before it lets others have a turn. */
export const TURN_MS = 50;

/** Waits one event-loop turn when `since` (the previous turn's time) is TURN_MS ago; returns the time of the last turn. */
export async function yieldWhenBusy(since: number): Promise<number> {
  if (Date.now() - since < TURN_MS) return since;
  await new Promise<void>((resolve) => setImmediate(resolve));
  return Date.now();
}
