/**
 * A Distributed Map's children as executions of their own: their names and ARNs, the compact
 * record kept per child, and the views of it that the API shows (a summary history).
 *
 * A child's name is UUID-shaped and derived from its map run and index, and the two can be read
 * back from it: the first 23 characters are the map run id's, the last 12 hex digits the index
 * offset by a mask of those 23 characters. So a child's ARN leads to its map run, and through it
 * to the parent execution that holds the child's record, with no index per child.
 */
import { createHash } from 'node:crypto';
import { detailsKey } from './recorder.js';
import type { HistoryEvent } from './types.js';

const PREFIX_LENGTH = 23;
const INDEX_SPACE = 2 ** 48;

let lastMask: { prefix: string; mask: number } | undefined;

/** The offset of a map run's child indexes; the last one is kept, since a Map names its children one run at a time. */
function maskOf(prefix: string): number {
  if (lastMask?.prefix !== prefix) lastMask = { prefix, mask: parseInt(createHash('sha256').update(prefix).digest('hex').slice(0, 12), 16) };
  return lastMask.mask;
}

/** The UUID at the end of a map run ARN. */
export function mapRunIdOf(mapRunArn: string): string {
  return mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1);
}

/** The part of a map run id its children's names share (and that leads back to the map run). */
export function childNamePrefix(mapRunArn: string): string {
  return mapRunIdOf(mapRunArn).slice(0, PREFIX_LENGTH);
}

/** The name of a map run's child `index`. */
export function mapRunChildName(mapRunArn: string, index: number): string {
  const prefix = childNamePrefix(mapRunArn);
  const tail = (maskOf(prefix) + index) % INDEX_SPACE;
  return `${prefix}-${tail.toString(16).padStart(12, '0')}`;
}

/** A child's name read back: its map run's name prefix and its index; undefined for other names. */
export function parseMapRunChildName(name: string): { prefix: string; index: number } | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(name)) return undefined;
  const prefix = name.slice(0, PREFIX_LENGTH);
  const index = (parseInt(name.slice(PREFIX_LENGTH + 1), 16) - maskOf(prefix) + INDEX_SPACE) % INDEX_SPACE;
  return { prefix, index };
}

/** `...:mapRun:<sm>/<label>:<id>` -> `...:stateMachine:<sm>/<label>`: the machine the children run. */
export function childStateMachineArn(mapRunArn: string): string {
  const at = mapRunArn.indexOf(':mapRun:');
  const rest = mapRunArn.slice(at + ':mapRun:'.length);
  return `${mapRunArn.slice(0, at)}:stateMachine:${rest.slice(0, rest.lastIndexOf(':'))}`;
}

/** `...:execution:<sm>/<label>:<childName>`. */
export function childExecutionArn(mapRunArn: string, index: number): string {
  const at = mapRunArn.indexOf(':mapRun:');
  const rest = mapRunArn.slice(at + ':mapRun:'.length);
  return `${mapRunArn.slice(0, at)}:execution:${rest.slice(0, rest.lastIndexOf(':'))}:${mapRunChildName(mapRunArn, index)}`;
}

/** The map run label in a map run ARN (`<sm>/<label>`). */
export function mapRunLabelOf(mapRunArn: string): string {
  const rest = mapRunArn.slice(mapRunArn.indexOf(':mapRun:') + ':mapRun:'.length);
  const machine = rest.slice(0, rest.lastIndexOf(':'));
  return machine.slice(machine.indexOf('/') + 1);
}

export type MapRunChildStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

/** What the interpreter reports of a child when it starts waiting, finishes or is aborted. */
export interface MapRunChild {
  mapRunArn: string;
  index: number;
  status: MapRunChildStatus;
  /** When the child first started (ms); a redriven child keeps it. */
  start: number;
  stop?: number;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  redriveCount: number;
  redriveDate?: number;
  /** Items in the child's batch (ItemBatcher); absent: one item. */
  items?: number;
  /** The events this step added to the child's own history (ExecutionStarted, its first, is not among them). */
  events?: HistoryEvent[];
}

/** Statuses as stored: one letter each. */
const STATUS_CODES = { RUNNING: 'R', SUCCEEDED: 'S', FAILED: 'F', ABORTED: 'A' } as const satisfies Record<MapRunChildStatus, string>;
type StatusCode = (typeof STATUS_CODES)[MapRunChildStatus];
const STATUSES = Object.fromEntries(Object.entries(STATUS_CODES).map(([status, code]) => [code, status])) as Record<StatusCode, MapRunChildStatus>;

/**
 * A child as stored: short keys and a one-letter status, so 10,000 of them stay small. Times are
 * ms after the parent execution's start (`z` absent: it stopped when it started). `i` and `o`
 * are the input and output as JSON values (not text), so they are not escaped twice.
 */
export interface StoredChild {
  s: StatusCode;
  a: number;
  z?: number;
  i: unknown;
  o?: unknown;
  e?: string;
  c?: string;
  r?: number;
  d?: number;
  n?: number;
}

/** The stored form of a child of an execution that started at `base` (ms). */
export function encodeChild(c: MapRunChild, base: number): StoredChild {
  const out: StoredChild = { s: STATUS_CODES[c.status], a: c.start - base, i: c.input };
  if (c.stop !== undefined && c.stop !== c.start) out.z = c.stop - base;
  if (c.output !== undefined) out.o = c.output;
  if (c.error !== undefined) out.e = c.error;
  if (c.cause !== undefined) out.c = c.cause;
  if (c.redriveCount > 0) out.r = c.redriveCount;
  if (c.redriveDate !== undefined) out.d = c.redriveDate - base;
  if (c.items !== undefined) out.n = c.items;
  return out;
}

/**
 * A child as the API shows it. A child recorded as running whose parent has closed was aborted
 * with it (the parent's stop or timeout ends its map run's children), at the parent's stop date.
 */
export interface ChildView {
  status: MapRunChildStatus;
  start: number;
  stop?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  redriveCount: number;
  redriveDate?: number;
  itemCount: number;
}

export function viewChild(s: StoredChild, parent: { status: string; startDate: number; stopDate?: number }): ChildView {
  const base = parent.startDate;
  const status = STATUSES[s.s];
  const view: ChildView = { status, start: base + s.a, input: JSON.stringify(s.i), redriveCount: s.r ?? 0, itemCount: s.n ?? 1 };
  if (status !== 'RUNNING') view.stop = base + (s.z ?? s.a);
  if (s.o !== undefined) view.output = JSON.stringify(s.o);
  if (s.e !== undefined) view.error = s.e;
  if (s.c !== undefined) view.cause = s.c;
  if (s.d !== undefined) view.redriveDate = base + s.d;
  if (status === 'RUNNING' && parent.status !== 'RUNNING') {
    view.status = 'ABORTED';
    if (parent.stopDate !== undefined) view.stop = parent.stopDate;
  }
  return view;
}

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
