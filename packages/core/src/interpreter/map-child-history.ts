/**
 * A Distributed Map child's own history: the events its steps add, stored compactly after its
 * record (see map-children.ts), and the history the API shows from them.
 */
import type { ChildView } from './map-children.js';
import { detailsKey } from './recorder.js';
import type { HistoryEvent } from './types.js';

/**
 * A child's events after its ExecutionStarted, as stored: one line per step that added some, each
 * a JSON array of rows `[ms after the child's start, type, details?, previousEventId?]`. A Map of
 * 10,000 children keeps 10,000 histories, so what can be told is left out:
 * - an event's id (rows count up from 2) and a previousEventId one below it;
 * - `{ truncated: false }` payload details;
 * - a payload equal to the one before it in the same line (0 stands for it; the first line
 *   starts from the child's input);
 * and common shapes are short: `Pass>`/`Pass<` for PassStateEntered/PassStateExited, whose
 * details are the state's name alone when the payload is left out; one letter for the
 * execution's own events (SHORT_TYPES); 0 for details that are an elided output alone. Details
 * kept under a key other than the type's own go in `{ "*": ... }`.
 */
export function encodeChildEvents(events: HistoryEvent[], childStart: number, input: unknown): string {
  let last = events[0]?.id === 2 ? JSON.stringify(input) : undefined;
  let out = '[';
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const { id, previousEventId, timestamp, type } = e;
    const shape = shapeOf(type);
    const tail = previousEventId === id - 1 ? ']' : `,${previousEventId}]`;
    const head = `${i === 0 ? '' : ','}[${timestamp - childStart},${shape.short}`;
    const d = e[shape.key] as Record<string, unknown> | undefined;
    const keys = Object.keys(e).length;
    // The common rows first: a state's event, or the execution's end, whose payload is the one before.
    if (keys === 5 && d !== undefined && d[shape.payload] === last && last !== undefined && untruncated(d[shape.payloadDetails])) {
      const size = Object.keys(d).length;
      if (shape.state && size === 3 && typeof d.name === 'string') {
        out += `${head},${JSON.stringify(d.name)}${tail}`;
        continue;
      }
      if (!shape.state && size === 2 && shape.payload === 'output') {
        out += `${head},0${tail}`;
        continue;
      }
    }
    let details: unknown;
    if (keys === 5 && d !== undefined) {
      const kept: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(d)) {
        if (PAYLOADS.has(k) && typeof v === 'string') {
          kept[k] = v === last ? 0 : v;
          last = v;
        } else if (!(PAYLOAD_DETAILS.has(k) && untruncated(v))) kept[k] = v;
      }
      details = kept;
    } else if (keys > 4) {
      const { id: _id, previousEventId: _p, timestamp: _t, type: _y, ...rest } = e;
      details = { '*': rest };
    }
    if (details === undefined) out += tail === ']' ? `${head}]` : `${head},null${tail}`;
    else out += `${head},${JSON.stringify(details)}${tail}`;
  }
  return `${out}]`;
}

/** How an event type is stored: its short name (as JSON), its details' key, and its payload. */
interface Shape {
  short: string;
  key: string;
  state: boolean;
  payload: 'input' | 'output';
  payloadDetails: 'inputDetails' | 'outputDetails';
}

const shapes = new Map<string, Shape>();

function shapeOf(type: string): Shape {
  let shape = shapes.get(type);
  if (!shape) {
    const state = type.endsWith('StateEntered') || type.endsWith('StateExited');
    const payload = statePayload(type);
    shape = { short: JSON.stringify(shortType(type)), key: detailsKey(type), state, payload, payloadDetails: `${payload}Details` };
    // Types come from a fixed set; the bound only guards against an unexpected flood.
    if (shapes.size < 1000) shapes.set(type, shape);
  }
  return shape;
}

const untruncated = (v: unknown) => (v as { truncated?: unknown } | undefined)?.truncated === false && Object.keys(v as object).length === 1;

/** The events `encodeChildEvents` stored (all lines), numbered from 2. */
export function decodeChildEvents(stored: string, childStart: number, input: unknown): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  for (const line of stored.split('\n')) {
    let last = events.length === 0 ? JSON.stringify(input) : undefined;
    for (const [t, short, shortened, previous] of JSON.parse(line) as [number, string, unknown, number | undefined][]) {
      const id = events.length + 2;
      const type = longType(short);
      const event: HistoryEvent = { id, previousEventId: previous ?? id - 1, timestamp: childStart + t, type };
      const details = longDetails(type, shortened);
      if (details && '*' in details) Object.assign(event, details['*']);
      else if (details) {
        const restored: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(details)) {
          if (!PAYLOADS.has(k)) {
            restored[k] = v;
            continue;
          }
          const text = v === 0 ? last : (v as string);
          last = text;
          restored[k] = text;
          restored[`${k}Details`] ??= { truncated: false };
        }
        event[detailsKey(type)] = restored;
      }
      events.push(event);
    }
  }
  return events;
}

const PAYLOADS = new Set(['input', 'output']);
const PAYLOAD_DETAILS = new Set(['inputDetails', 'outputDetails']);

/** One letter for the execution's own events (no event type is one letter long). */
const SHORT_TYPES: Record<string, string> = {
  ExecutionSucceeded: 'S',
  ExecutionFailed: 'F',
  ExecutionAborted: 'A',
  ExecutionTimedOut: 'T',
  ExecutionRedriven: 'R',
};
const LONG_TYPES = Object.fromEntries(Object.entries(SHORT_TYPES).map(([long, short]) => [short, long]));

function shortType(type: string): string {
  if (type.endsWith('StateEntered')) return `${type.slice(0, -'StateEntered'.length)}>`;
  if (type.endsWith('StateExited')) return `${type.slice(0, -'StateExited'.length)}<`;
  return SHORT_TYPES[type] ?? type;
}

function longType(short: string): string {
  if (short.endsWith('>')) return `${short.slice(0, -1)}StateEntered`;
  if (short.endsWith('<')) return `${short.slice(0, -1)}StateExited`;
  return LONG_TYPES[short] ?? short;
}

/** A state event's payload: what its name alone stands with. */
const statePayload = (type: string): 'input' | 'output' => (type.endsWith('StateEntered') ? 'input' : 'output');

function longDetails(type: string, shortened: unknown): Record<string, unknown> | undefined {
  if (typeof shortened === 'string') return { name: shortened, [statePayload(type)]: 0 };
  if (shortened === 0) return { output: 0 };
  return (shortened ?? undefined) as Record<string, unknown> | undefined;
}

const TERMINAL = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);

/**
 * A child's history: its ExecutionStarted (from its record) and the events its steps stored. A
 * child still recorded as running whose parent closed was aborted with it, which its own steps
 * could not record. Children recorded before their events were kept show the summary alone.
 */
export function childHistory(child: ChildView, stored: string | undefined, details: { roleArn: string }): HistoryEvent[] {
  if (stored === undefined) return childSummary(child, details);
  const started: HistoryEvent = {
    id: 1,
    previousEventId: 0,
    timestamp: child.start,
    type: 'ExecutionStarted',
    executionStartedEventDetails: { input: child.input, inputDetails: { truncated: false }, roleArn: details.roleArn },
  };
  const events = [started, ...decodeChildEvents(stored, child.start, JSON.parse(child.input))];
  const last = events[events.length - 1]!;
  if (child.status === 'ABORTED' && !TERMINAL.has(last.type)) {
    events.push({ id: last.id + 1, previousEventId: 0, timestamp: child.stop ?? last.timestamp, type: 'ExecutionAborted', executionAbortedEventDetails: {} });
  }
  return events;
}

/** The history of a child recorded before its events were kept: its start, its redrive, and how it ended. */
function childSummary(child: ChildView, details: { roleArn: string }): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  const add = (type: string, timestamp: number, more: Record<string, unknown>) => {
    const id = events.length + 1;
    events.push({ id, previousEventId: id === 1 ? 0 : id - 1, timestamp, type, ...more });
  };
  add('ExecutionStarted', child.start, {
    executionStartedEventDetails: { input: child.input, inputDetails: { truncated: false }, roleArn: details.roleArn },
  });
  if (child.redriveDate !== undefined) add('ExecutionRedriven', child.redriveDate, { executionRedrivenEventDetails: { redriveCount: child.redriveCount } });
  const stop = child.stop ?? child.start;
  switch (child.status) {
    case 'RUNNING':
      break;
    case 'SUCCEEDED':
      add('ExecutionSucceeded', stop, { executionSucceededEventDetails: { output: child.output ?? 'null', outputDetails: { truncated: false } } });
      break;
    case 'FAILED':
      add('ExecutionFailed', stop, { executionFailedEventDetails: defined({ error: child.error, cause: child.cause }) });
      break;
    case 'ABORTED':
      add('ExecutionAborted', stop, { executionAbortedEventDetails: {} });
      break;
    default: {
      const unreachable: never = child.status;
      throw new Error(`unknown child status ${String(unreachable)}`);
    }
  }
  return events;
}

function defined(o: { error?: string | undefined; cause?: string | undefined }): Record<string, string> {
  const out: Record<string, string> = {};
  if (o.error !== undefined) out.error = o.error;
  if (o.cause !== undefined) out.cause = o.cause;
  return out;
}
