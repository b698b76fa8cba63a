import { childNamePrefix, encodeChild, encodeChildEvents, parseMapRunChildName, type MapRunChild, type MapRunCounts, type MapRunLimits, type MapRunUpdate, type StoredChild } from '@redstep/core';
import { executionId, keys } from './keys.js';
import type { RedisHandle } from './redis.js';

/** A Map Run resource as stored with its execution. Times are epoch ms. */
export interface MapRunRecord {
  arn: string;
  executionArn: string;
  status: MapRunUpdate['status'];
  start: number;
  stop?: number;
  maxConcurrency: number;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
  /** Counts when it closed (a running map run's come from the execution's cursor). */
  counts: MapRunCounts;
  redriveCount: number;
  redriveDate?: number;
}

/** Map run records a commit writes (map run id -> JSON), and map run ARNs whose limits go. */
export interface MapRunWrite {
  mapRuns?: [id: string, json: string][];
  dropLimits?: string[];
  mapRunsStarted?: string[];
  /** Map run children's records, with the lines their histories gain (see childWrites). */
  children?: ChildWrites;
}

/**
 * Map run children a commit writes. A child's first report (its history's first line) is
 * `added`: its record and history are set at once. A later one is `updated`: its record is
 * replaced and its history kept, the line after it ('' for none).
 */
export interface ChildWrites {
  added: [field: string, value: string][];
  updated: [field: string, json: string, line: string][];
}

/** The UUID at the end of a map run ARN. */
export function mapRunId(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

/** The prefix a map run's children's names share, from its id (see core's map-children.ts). */
export function childNamePrefixOf(id: string): string {
  return childNamePrefix(`:${id}`);
}

/** A child's field in its execution's children hash. */
export function childField(mapRunArn: string, index: number): string {
  return `${mapRunId(mapRunArn).slice(0, 13)}:${index}`;
}

/**
 * What a commit writes of the children the interpreter reported of an execution started at
 * `base` (ms), in report order: each child's record, and the line its history gains (its events
 * of this step). A child reported twice (started, then aborted) is written twice, in order.
 */
export function childWrites(children: MapRunChild[], base: number): ChildWrites {
  const prefixes = new Map<string, string>();
  const out: ChildWrites = { added: [], updated: [] };
  for (const c of children) {
    let prefix = prefixes.get(c.mapRunArn);
    if (prefix === undefined) prefixes.set(c.mapRunArn, (prefix = childField(c.mapRunArn, 0).slice(0, -1)));
    const field = `${prefix}${c.index}`;
    const record = JSON.stringify(encodeChild(c, base));
    const line = c.events && c.events.length > 0 ? encodeChildEvents(c.events, c.start, c.input) : '';
    if (c.events?.[0]?.id === 2) out.added.push([field, `${record}\n${line}`]);
    else out.updated.push([field, record, line]);
  }
  return out;
}

/** A child's stored value: its record, then its history's lines (see keys.mapRunChildren). */
function splitChild(text: string): { record: StoredChild; history?: string } {
  const at = text.indexOf('\n');
  if (at < 0) return { record: JSON.parse(text) as StoredChild };
  return { record: JSON.parse(text.slice(0, at)) as StoredChild, history: text.slice(at + 1) };
}

/**
 * Map Runs of distributed Maps. The worker records what the interpreter reports (start,
 * redrive, close); UpdateMapRun's limits sit beside them until the Map applies them.
 */
export class MapRunStore {
  constructor(private readonly h: RedisHandle) {}

  /**
   * What the interpreter's reports of one step change, written by that step's commit (so a
   * closed execution's map runs say closed too): the records, the limits that go with a closed
   * run, and the runs started (each gets a pointer back to its execution, an obligation).
   */
  async changes(executionArn: string, updates: MapRunUpdate[], now: number): Promise<MapRunWrite & { mapRunsStarted: string[] }> {
    const records = new Map<string, MapRunRecord>();
    const write: MapRunWrite & { mapRunsStarted: string[] } = { mapRuns: [], dropLimits: [], mapRunsStarted: [] };
    for (const u of updates) {
      const existing = records.get(u.arn) ?? (u.kind === 'started' ? undefined : await this.get(executionArn, u.arn));
      const rec: MapRunRecord = {
        ...(existing ?? { start: now }),
        arn: u.arn,
        executionArn,
        status: u.status,
        maxConcurrency: u.maxConcurrency,
        counts: u.counts,
        redriveCount: u.redriveCount,
      };
      if (u.toleratedFailureCount !== undefined) rec.toleratedFailureCount = u.toleratedFailureCount;
      if (u.toleratedFailurePercentage !== undefined) rec.toleratedFailurePercentage = u.toleratedFailurePercentage;
      if (u.kind === 'closed') rec.stop = now;
      else delete rec.stop;
      if (u.kind === 'redriven') rec.redriveDate = now;
      if (u.kind === 'started') write.mapRunsStarted.push(mapRunId(u.arn));
      if (u.kind === 'closed') write.dropLimits!.push(u.arn);
      records.set(u.arn, rec);
    }
    write.mapRuns = [...records.values()].map((r): [string, string] => [mapRunId(r.arn), JSON.stringify(r)]);
    return write;
  }

  async executionOf(mapRunArn: string): Promise<string | undefined> {
    return (await this.h.redis.get(keys.mapRunExecution(mapRunId(mapRunArn)))) ?? undefined;
  }

  async get(executionArn: string, mapRunArn: string): Promise<MapRunRecord | undefined> {
    const text = await this.h.redis.hget(keys.mapRuns(executionId(executionArn)), mapRunId(mapRunArn));
    return text ? (JSON.parse(text) as MapRunRecord) : undefined;
  }

  /** An execution's map runs, oldest first. */
  async list(executionArn: string): Promise<MapRunRecord[]> {
    const all = await this.h.redis.hvals(keys.mapRuns(executionId(executionArn)));
    return all.map((t) => JSON.parse(t) as MapRunRecord).sort((a, b) => a.start - b.start || a.arn.localeCompare(b.arn));
  }

  /** UpdateMapRun: new limits for the Map's next step, and on the resource at once. */
  async updateLimits(rec: MapRunRecord, limits: MapRunLimits): Promise<void> {
    const id = executionId(rec.executionArn);
    const current = JSON.parse((await this.h.redis.hget(keys.mapRunLimits(id), rec.arn)) ?? '{}') as MapRunLimits;
    const merged = { ...current, ...limits };
    const updated: MapRunRecord = { ...rec };
    if (merged.maxConcurrency !== undefined) updated.maxConcurrency = merged.maxConcurrency;
    if (merged.toleratedFailureCount !== undefined) updated.toleratedFailureCount = merged.toleratedFailureCount;
    if (merged.toleratedFailurePercentage !== undefined) updated.toleratedFailurePercentage = merged.toleratedFailurePercentage;
    await this.h.redis.hset(keys.mapRunLimits(id), rec.arn, JSON.stringify(merged));
    await this.h.redis.hset(keys.mapRuns(id), mapRunId(rec.arn), JSON.stringify(updated));
  }

  /** Limits set by UpdateMapRun on an execution's running map runs, by map run ARN. */
  async limits(executionArn: string): Promise<Record<string, MapRunLimits>> {
    const all = await this.h.redis.hgetall(keys.mapRunLimits(executionId(executionArn)));
    return Object.fromEntries(Object.entries(all).map(([arn, text]) => [arn, JSON.parse(text) as MapRunLimits]));
  }

  /** The map run a child's name leads to (by its prefix), with the child's index; undefined for other names. */
  async childOf(childName: string): Promise<{ run: MapRunRecord; index: number } | undefined> {
    const parsed = parseMapRunChildName(childName);
    if (!parsed) return undefined;
    const id = await this.h.redis.get(keys.mapRunOfChildren(parsed.prefix));
    if (!id) return undefined;
    const executionArn = await this.h.redis.get(keys.mapRunExecution(id));
    const run = executionArn ? await this.get(executionArn, id) : undefined;
    if (!run || parsed.index >= run.counts.total) return undefined;
    return { run, index: parsed.index };
  }

  /** A child's record and its history's lines (absent: none kept, as for children recorded before they were). */
  async child(run: MapRunRecord, index: number): Promise<{ record: StoredChild; history?: string } | undefined> {
    const text = await this.h.redis.hget(keys.mapRunChildren(executionId(run.executionArn)), childField(run.arn, index));
    return text === null ? undefined : splitChild(text);
  }

  /** Children's records by index (null: not started, or not kept). One round trip. */
  async children(run: MapRunRecord, indexes: number[]): Promise<(StoredChild | null)[]> {
    if (indexes.length === 0) return [];
    const texts = await this.h.redis.hmget(keys.mapRunChildren(executionId(run.executionArn)), ...indexes.map((i) => childField(run.arn, i)));
    return texts.map((t) => (t === null ? null : splitChild(t).record));
  }
}
