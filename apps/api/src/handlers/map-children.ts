/**
 * A Distributed Map's children as executions: DescribeExecution, GetExecutionHistory,
 * DescribeStateMachineForExecution and `ListExecutions --map-run-arn` read them from the compact
 * records their parent's steps keep (one per STANDARD child; EXPRESS children keep none, as AWS
 * keeps no history of an Express execution).
 */
import {
  childExecutionArn,
  childHistory,
  childStateMachineArn,
  decodeNextToken,
  encodeNextToken,
  ExecutionNotRedrivable,
  InvalidToken,
  mapRunLabelOf,
  mapRunChildName,
  parseArnOf,
  parseMapRunChildName,
  resolveMaxResults,
  ResourceNotFound,
  viewChild,
  type ChildView,
  type HistoryEvent,
} from '@redstep/core';
import { frames, type ExecutionRecord, type MapRunRecord } from '@redstep/store';
import { epochSeconds, type ApiContext } from '../context.js';
import { arns } from './common.js';

type Body = Record<string, unknown>;

export async function requireMapRun(ctx: ApiContext, arn: string): Promise<MapRunRecord> {
  parseArnOf(arn, 'mapRun');
  const executionArn = arns(ctx).owned(arn) ? await ctx.mapRuns.executionOf(arn) : undefined;
  const rec = executionArn && (await ctx.mapRuns.get(executionArn, arn));
  if (!rec) throw new ResourceNotFound(`Resource not found: '${arn}'`, arn);
  return rec;
}

/**
 * The pointers from a map run to its execution are owed by the step that started it and set
 * just after its commit. A reader about to show map run ARNs (ListMapRuns, the history's
 * MapRunStarted) sets any still owed first, so every ARN it shows can be described at once.
 */
export async function settleMapRunPointers(ctx: ApiContext, rec: ExecutionRecord): Promise<void> {
  const owed = rec.outbox?.filter(([, o]) => o.t === 'mapRun') ?? [];
  if (owed.length > 0) await ctx.outbox.drain(rec.arn, owed);
}

/** A map run's child, found by its ARN. */
export interface FoundChild {
  arn: string;
  name: string;
  run: MapRunRecord;
  parent: ExecutionRecord;
  child: ChildView;
  /** Its history's stored lines (see MapRunStore.child). */
  history?: string;
}

/** The map run child an execution ARN names; undefined for any other ARN (or a child not started). */
export async function findChild(ctx: ApiContext, arn: string): Promise<FoundChild | undefined> {
  const parsed = parseArnOf(arn, 'execution');
  // Another account's child is refused (AccessDeniedException) before it is looked up.
  if (parsed.mapRunLabel === undefined || !arns(ctx).owned(arn)) return undefined;
  const found = await ctx.mapRuns.childOf(parsed.executionName);
  if (!found || childExecutionArn(found.run.arn, found.index) !== arn) return undefined;
  const [stored, parent] = await Promise.all([ctx.mapRuns.child(found.run, found.index), ctx.executions.load(found.run.executionArn, { cursor: false })]);
  if (!stored || !parent) return undefined;
  const out: FoundChild = { arn, name: parsed.executionName, run: found.run, parent, child: viewChild(stored.record, parent) };
  if (stored.history !== undefined) out.history = stored.history;
  return out;
}

/** How long StopExecution of a child waits for the parent's worker to record the abort. */
const STOP_WAIT_MS = 5_000;

/**
 * StopExecution of a running child: a job wakes the parent's Map at the child, which ends it
 * ABORTED (counted against the Map's tolerated failures). The job is in Redis before the answer,
 * so the stop happens even if this process dies; the answer waits, briefly, to show it done.
 */
export async function stopChild(ctx: ApiContext, found: FoundChild, detail: { error?: string; cause?: string }): Promise<number> {
  const parent = found.parent.status === 'RUNNING' ? await ctx.executions.load(found.parent.arn, { cursor: true }) : undefined;
  const map = parent?.cursor && [...frames(parent.cursor)].find((f) => f.cursor.fanout?.mapRun?.arn === found.run.arn);
  const index = parseMapRunChildName(found.name)!.index;
  if (found.child.status !== 'RUNNING' || !map?.cursor.fanout?.running[String(index)]) return found.child.stop ?? ctx.now();
  await ctx.queue.add({ k: 'stopChild', e: found.parent.arn, w: `stop-${index}`, m: found.run.arn, p: [...map.path, index], ...detail });
  for (const until = ctx.now() + STOP_WAIT_MS; ctx.now() < until; ) {
    await new Promise((r) => setTimeout(r, 50));
    const [stored] = await ctx.mapRuns.children(found.run, [index]);
    if (stored && stored.s !== 'R') return found.parent.startDate + (stored.z ?? stored.a);
  }
  return ctx.now();
}

/** RedriveExecution of a child: AWS redrives a map run's children only through their parent. */
export function refuseChildRedrive({ arn, parent, child }: FoundChild): never {
  if (child.status === 'RUNNING' || child.status === 'SUCCEEDED') throw new ExecutionNotRedrivable(`Execution is ${child.status} and cannot be redriven: '${arn}'`);
  throw new ExecutionNotRedrivable(`Execution is redrivable by its map run only; redrive the parent execution '${parent.arn}': '${arn}'`);
}

export function describeChild({ arn, name, run, child }: FoundChild): Record<string, unknown> {
  const out: Record<string, unknown> = {
    executionArn: arn,
    stateMachineArn: childStateMachineArn(run.arn),
    name,
    status: child.status,
    startDate: epochSeconds(child.start),
    input: child.input,
    inputDetails: { included: true },
    mapRunArn: run.arn,
    redriveCount: child.redriveCount,
  };
  if (child.stop !== undefined) out.stopDate = epochSeconds(child.stop);
  if (child.output !== undefined) {
    out.output = child.output;
    out.outputDetails = { included: true };
  }
  if (child.error !== undefined) out.error = child.error;
  if (child.cause !== undefined) out.cause = child.cause;
  if (child.redriveDate !== undefined) out.redriveDate = epochSeconds(child.redriveDate);
  // A child is redriven with its map run, never on its own.
  if (child.status === 'FAILED' || child.status === 'ABORTED') out.redriveStatus = 'REDRIVABLE_BY_MAP_RUN';
  else {
    out.redriveStatus = 'NOT_REDRIVABLE';
    out.redriveStatusReason = `Execution is ${child.status} and cannot be redriven`;
  }
  return out;
}

export function childEvents({ history, parent, child }: FoundChild): HistoryEvent[] {
  return childHistory(child, history, { roleArn: parent.roleArn });
}

/** The machine a child runs: its Map's ItemProcessor, found by the map run's label. */
export function childStateMachine({ run, parent }: FoundChild, parentDefinition: string): Record<string, unknown> {
  const label = mapRunLabelOf(run.arn);
  const processor = findProcessor(JSON.parse(parentDefinition) as Scope, label);
  const definition: Record<string, unknown> = { ...(processor ?? {}) };
  delete definition.ProcessorConfig;
  const machine = childStateMachineArn(run.arn);
  return {
    stateMachineArn: machine,
    name: machine.slice(machine.indexOf(':stateMachine:') + ':stateMachine:'.length),
    definition: JSON.stringify(definition),
    roleArn: parent.roleArn,
    updateDate: epochSeconds(run.start),
    mapRunArn: run.arn,
    label,
  };
}

interface Scope {
  States?: Record<string, { Type?: string; Label?: string; ItemProcessor?: Scope & { ProcessorConfig?: { Mode?: string } }; Iterator?: Scope; Branches?: Scope[] }>;
}

/** The ItemProcessor of the distributed Map whose label (or name) is `label`, anywhere in the definition. */
function findProcessor(scope: Scope, label: string): Record<string, unknown> | undefined {
  for (const [name, state] of Object.entries(scope.States ?? {})) {
    const processor = state.ItemProcessor;
    if (state.Type === 'Map' && processor?.ProcessorConfig?.Mode === 'DISTRIBUTED' && (state.Label ?? name) === label) return processor as Record<string, unknown>;
    for (const inner of [processor, state.Iterator, ...(state.Branches ?? [])]) {
      const found = inner && findProcessor(inner, label);
      if (found) return found;
    }
  }
  return undefined;
}

/** Where a listing of children stands: the next child index to look at (children are listed newest, so highest index, first). */
interface ChildCursor {
  c: number;
}

/** `ListExecutions --map-run-arn`: the map run's started children, newest first, with the status and redrive filters. */
export async function listChildren(ctx: ApiContext, body: Body, mapRunArn: string): Promise<Record<string, unknown>> {
  const run = await requireMapRun(ctx, mapRunArn);
  const statusFilter = body.statusFilter as string | undefined;
  const redriveFilter = body.redriveFilter as string | undefined;
  const scope = `ListExecutions|${mapRunArn}|${statusFilter ?? ''}|${redriveFilter ?? ''}`;
  const limit = resolveMaxResults(body.maxResults as number | undefined);
  let next = run.counts.total - 1;
  if (typeof body.nextToken === 'string') {
    const c = decodeNextToken<ChildCursor>(body.nextToken, { scope, now: Date.now() });
    if (typeof c?.c !== 'number') throw new InvalidToken("Invalid Token: 'Invalid nextToken'");
    next = c.c;
  }
  const parent = await ctx.executions.load(run.executionArn, { cursor: false });
  const parentView = parent ?? { status: 'ABORTED', startDate: run.start };
  const runOpen = run.status === 'RUNNING' && parent?.status === 'RUNNING';
  const executions: Record<string, unknown>[] = [];
  // Read ahead in batches until the page is full or the children run out.
  while (executions.length < limit && next >= 0) {
    const indexes: number[] = [];
    for (let i = next; i >= 0 && indexes.length < Math.max(limit, 100); i--) indexes.push(i);
    const stored = await ctx.mapRuns.children(run, indexes);
    let used = 0;
    for (const [k, s] of stored.entries()) {
      if (executions.length === limit) break;
      used++;
      if (!s) continue;
      const child = viewChild(s, parentView);
      // Failed or aborted in a run redriven since, not yet run again.
      const pendingRedrive = runOpen && (child.status === 'FAILED' || child.status === 'ABORTED') && child.redriveCount < run.redriveCount;
      if (statusFilter !== undefined && (statusFilter === 'PENDING_REDRIVE' ? !pendingRedrive : child.status !== statusFilter)) continue;
      if (redriveFilter !== undefined && (redriveFilter === 'REDRIVEN') !== child.redriveCount > 0) continue;
      executions.push(childItem(run, indexes[k]!, child));
    }
    next -= used;
  }
  const out: Record<string, unknown> = { executions };
  if (next >= 0) out.nextToken = encodeNextToken({ c: next } satisfies ChildCursor, { scope, now: Date.now() });
  return out;
}

function childItem(run: MapRunRecord, index: number, child: ChildView): Record<string, unknown> {
  const item: Record<string, unknown> = {
    executionArn: childExecutionArn(run.arn, index),
    stateMachineArn: childStateMachineArn(run.arn),
    name: mapRunChildName(run.arn, index),
    status: child.status,
    startDate: epochSeconds(child.start),
  };
  if (child.stop !== undefined) item.stopDate = epochSeconds(child.stop);
  item.mapRunArn = run.arn;
  item.itemCount = child.itemCount;
  item.redriveCount = child.redriveCount;
  if (child.redriveDate !== undefined) item.redriveDate = epochSeconds(child.redriveDate);
  return item;
}
