import type { HistoryEvent } from './types.js';

/** Collects the history events of one step, numbering them after the stored history. */
export class Recorder {
  readonly events: HistoryEvent[] = [];

  /**
   * `dropping`: the events belong to an execution whose history nobody keeps (an EXPRESS child of
   * a distributed Map), so they are numbered and then dropped.
   */
  constructor(
    private lastId: number,
    private readonly now: number,
    private readonly dropping = false,
  ) {}

  get lastEventId(): number {
    return this.lastId;
  }

  /**
   * Appends an event. `previousEventId` is the last event's id unless given: AWS records 0 for
   * the first state entered and for events with no cause inside the execution (an abort).
   */
  add(type: string, details?: Record<string, unknown>, previousEventId?: number): HistoryEvent {
    const id = this.lastId + 1;
    const prev = previousEventId ?? (id === 2 && type.endsWith('StateEntered') ? 0 : this.lastId);
    const event: HistoryEvent = { id, previousEventId: prev, timestamp: this.now, type, ...details };
    if (!this.dropping) this.events.push(event);
    this.lastId = id;
    return event;
  }
}

/** A payload as history shows it: JSON text plus its truncation flag. */
export function payload(key: 'input' | 'output', text: string): Record<string, unknown> {
  return { [key]: text, [`${key}Details`]: { truncated: false } };
}

/** The `<type>EventDetails` member name for an event type ("PassStateEntered" -> stateEnteredEventDetails). */
export function detailsKey(type: string): string {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  return `${type[0]!.toLowerCase()}${type.slice(1)}EventDetails`;
}
