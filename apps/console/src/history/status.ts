/**
 * What each state did, read from an execution's history: the status the graph colours it by
 * and what the step inspector shows (input, output, errors, attempts).
 *
 * Events carry no state name except StateEntered and StateExited, so the others belong to the
 * state last named in their flow. Map iterations open a scope (`Map[3]`): a state inside a Map
 * has one record per iteration, keyed by its scope. Pure: no DOM.
 */
import type { ExecutionStatus, HistoryEvent } from './types.js';

export type StepStatus = 'succeeded' | 'failed' | 'caught' | 'running' | 'not-run';

export interface StepError {
  eventId: number;
  type: string;
  error?: string;
  cause?: string;
}

export interface StepRecord {
  name: string;
  /** '' at the top level, else the Map iterations it ran in, outermost first: `M[2]/N[0]`. */
  scope: string;
  status: StepStatus;
  /** How many times the state was entered (a loop re-enters). */
  visits: number;
  enteredId: number;
  exitedId?: number;
  input?: string;
  output?: string;
  /** The parameters its last task was scheduled with. */
  parameters?: string;
  /** Every failure its last visit met, retried or caught or final. */
  errors: StepError[];
  /** Task attempts in the last visit (1 + retries). */
  attempts: number;
  /** The ids of every event of its last visit, for the event table's "show events". */
  eventIds: number[];
}

export interface MapProgress {
  name: string;
  scope: string;
  /** Iterations started so far, by index: their outcome. */
  iterations: Map<number, StepStatus>;
  length?: number;
}

export interface HistoryReading {
  /** Keyed `${scope}|${name}`. */
  steps: Map<string, StepRecord>;
  /** Keyed `${scope}|${mapName}`. */
  maps: Map<string, MapProgress>;
}

export const stepKey = (scope: string, name: string) => `${scope}|${name}`;

const SCHEDULED = /^(Task|Activity|LambdaFunction)Scheduled$/;
const EXECUTION_END = /^Execution(Succeeded|Failed|Aborted|TimedOut)$/;

/** A failure that belongs to the state it happens in (the execution's own end does not). */
function isFailure(type: string): boolean {
  if (EXECUTION_END.test(type) || type.startsWith('MapIteration') || type === 'ExecutionRedriven') return false;
  return /(Failed|TimedOut|Aborted)$/.test(type);
}

function isSuccess(type: string): boolean {
  return /(Task|Activity|LambdaFunction|MapState|ParallelState|MapRun)Succeeded$/.test(type);
}

function details(e: HistoryEvent): Record<string, unknown> | undefined {
  for (const k in e) {
    const v = e[k];
    if (k.endsWith('EventDetails') && typeof v === 'object' && v !== null) return v as Record<string, unknown>;
  }
  return undefined;
}

/** What an event type means here, worked out once per type (a history repeats a few dozen). */
type Kind = 'entered' | 'exited' | 'scheduled' | 'failure' | 'success' | 'other';
const kinds = new Map<string, Kind>();
function kindOf(type: string): Kind {
  let k = kinds.get(type);
  if (k === undefined) {
    if (type.endsWith('StateEntered')) k = 'entered';
    else if (type.endsWith('StateExited')) k = 'exited';
    else if (SCHEDULED.test(type)) k = 'scheduled';
    else if (isFailure(type)) k = 'failure';
    else if (isSuccess(type)) k = 'success';
    else k = 'other';
    kinds.set(type, k);
  }
  return k;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

interface Visit {
  record: StepRecord;
  /** The last task outcome seen in this visit. */
  lastOutcome?: 'ok' | 'failed';
}

/** Reads a history (in event order) into step records; `execution` is the execution's status now. */
export function readHistory(events: readonly HistoryEvent[], execution: ExecutionStatus): HistoryReading {
  const steps = new Map<string, StepRecord>();
  const maps = new Map<string, MapProgress>();
  const open = new Map<string, Visit>();
  /** The scope each Map state's iterations last started in, by the Map's name. */
  const iterationScope = new Map<string, string>();
  let current: Visit | undefined;
  let scope = '';
  const mapOf = (name: string, at: string): MapProgress => {
    const key = stepKey(at, name);
    let m = maps.get(key);
    if (!m) maps.set(key, (m = { name, scope: at, iterations: new Map() }));
    return m;
  };
  for (const e of events) {
    const d = details(e);
    const kind = kindOf(e.type);
    if (kind === 'entered') {
      const name = str(d?.['name']) ?? '';
      const key = stepKey(scope, name);
      const prev = steps.get(key);
      const record: StepRecord = {
        name,
        scope,
        status: e.type === 'FailStateEntered' ? 'failed' : 'running',
        visits: (prev?.visits ?? 0) + 1,
        enteredId: e.id,
        input: str(d?.['input']),
        errors: [],
        attempts: 0,
        eventIds: [e.id],
      };
      steps.set(key, record);
      current = { record };
      open.set(key, current);
      continue;
    }
    if (kind === 'exited') {
      const name = str(d?.['name']) ?? '';
      // The exit may come after events of another flow (a Parallel branch, a Map iteration):
      // find the open visit by name, in this scope or an enclosing one.
      let visit: Visit | undefined;
      for (let s = scope; ; s = s.includes('/') ? s.slice(0, s.lastIndexOf('/')) : '') {
        visit = open.get(stepKey(s, name));
        if (visit || s === '') break;
      }
      if (visit) {
        const r = visit.record;
        r.exitedId = e.id;
        r.output = str(d?.['output']);
        r.eventIds.push(e.id);
        r.status = visit.lastOutcome === 'failed' || (r.errors.length > 0 && visit.lastOutcome === undefined) ? 'caught' : 'succeeded';
        open.delete(stepKey(r.scope, name));
        scope = r.scope;
      }
      current = undefined;
      continue;
    }
    if (e.type === 'MapStateStarted' && current) {
      const length = d?.['length'];
      const m = mapOf(current.record.name, current.record.scope);
      if (typeof length === 'number') m.length = length;
    }
    if (e.type === 'MapIterationStarted') {
      const name = str(d?.['name']) ?? '';
      const index = Number(d?.['index'] ?? 0);
      const base = openScopeOf(open, name) ?? iterationScope.get(name) ?? scope;
      mapOf(name, base).iterations.set(index, 'running');
      scope = (base ? `${base}/` : '') + `${name}[${index}]`;
      iterationScope.set(name, base);
      current = undefined;
      continue;
    }
    const ended = /^MapIteration(Succeeded|Failed|Aborted)$/.exec(e.type);
    if (ended) {
      const name = str(d?.['name']) ?? '';
      const index = Number(d?.['index'] ?? 0);
      const base = openScopeOf(open, name) ?? iterationScope.get(name) ?? '';
      mapOf(name, base).iterations.set(index, ended[1] === 'Succeeded' ? 'succeeded' : 'failed');
      scope = base;
      current = open.get(stepKey(base, name)) ?? current;
      continue;
    }
    if ((e.type === 'ParallelStateSucceeded' || e.type === 'ParallelStateFailed' || e.type === 'ParallelStateAborted' || /^MapState(Succeeded|Failed|Aborted)$/.test(e.type)) && !current) {
      // The group's own outcome follows the last event of a branch or iteration: give it to the
      // innermost open group state.
      current = lastOpenGroup(open, scope);
    }
    if (!current) continue;
    const r = current.record;
    r.eventIds.push(e.id);
    if (kind === 'scheduled') {
      r.attempts++;
      r.parameters = str(d?.['parameters']) ?? r.parameters;
    }
    if (kind === 'failure') {
      r.errors.push({ eventId: e.id, type: e.type, error: str(d?.['error']), cause: str(d?.['cause']) });
      current.lastOutcome = 'failed';
    } else if (kind === 'success') {
      current.lastOutcome = 'ok';
    }
  }
  // Visits still open: running while the execution runs, else they failed with it.
  for (const visit of open.values()) {
    const r = visit.record;
    if (r.status === 'running' && execution !== 'RUNNING') r.status = 'failed';
    if (r.status === 'running' && visit.lastOutcome === 'failed' && execution !== 'RUNNING') r.status = 'failed';
  }
  return { steps, maps };
}

/** The scope the open visit of Map state `name` sits in. */
function openScopeOf(open: Map<string, Visit>, name: string): string | undefined {
  for (const v of open.values()) if (v.record.name === name) return v.record.scope;
  return undefined;
}

function lastOpenGroup(open: Map<string, Visit>, scope: string): Visit | undefined {
  let best: Visit | undefined;
  for (const v of open.values()) {
    if (v.record.scope !== scope && !scope.startsWith(v.record.scope)) continue;
    if (!best || v.record.enteredId > best.record.enteredId) best = v;
  }
  return best;
}

/** The status a state shows in the graph, in the Map iterations picked (`picks`: Map name → index). */
export function statusIn(reading: HistoryReading, name: string, mapsAbove: readonly string[], picks: ReadonlyMap<string, number>): StepRecord | undefined {
  const scope = mapsAbove.map((m) => `${m}[${picks.get(m) ?? 0}]`).join('/');
  return reading.steps.get(stepKey(scope, name));
}
