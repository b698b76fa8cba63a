import type { HistoryEvent } from './types.js';

/** Collects the history events of one step, numbering them after the stored history. */
export class Recorder {
  readonly events: HistoryEvent[] = [];

  constructor(
    private lastId: number,
    private readonly now: number,
  ) {}

  /** While muted (a distributed Map's children run), events are dropped: they belong to other executions. */
  private muted = 0;

  get lastEventId(): number {
    return this.lastId;
  }

  async mute<T>(run: () => Promise<T>): Promise<T> {
    this.muted++;
    try {
      return await run();
    } finally {
      this.muted--;
    }
  }

  /**
   * Appends an event. `previousEventId` is the last event's id unless given: AWS records 0 for
   * the first state entered and for events with no cause inside the execution (an abort).
   */
  add(type: string, details?: Record<string, unknown>, previousEventId?: number): HistoryEvent {
    if (this.muted > 0) return { id: this.lastId, previousEventId: this.lastId, timestamp: this.now, type, ...details };
    const id = this.lastId + 1;
    const prev = previousEventId ?? (id === 2 && type.endsWith('StateEntered') ? 0 : this.lastId);
    const event: HistoryEvent = { id, previousEventId: prev, timestamp: this.now, type, ...details };
    this.events.push(event);
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
