/**
 * A Distributed Map's children as executions of their own: their names and ARNs, the compact
 * record kept per child, and the view of it that the API shows (its history: map-child-history.ts).
 *
 * A child's name is UUID-shaped and derived from its map run and index, and the two can be read
 * back from it: the first 23 characters are the map run id's, the last 12 hex digits the index
 * offset by a mask of those 23 characters. So a child's ARN leads to its map run, and through it
 * to the parent execution that holds the child's record, with no index per child.
 */
import { createHash } from 'node:crypto';
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
