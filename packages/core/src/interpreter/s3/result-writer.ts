import { createHash } from 'node:crypto';
import { mapRunChildName } from '../map-children.js';
import type { MapState } from '../../asl/types.js';
import { StatesError } from '../../errors.js';
import type { StateContext } from '../states/state-context.js';
import { ObjectStoreError, type ObjectStore } from './object-store.js';
import { s3Request } from './request.js';

/**
 * A Distributed Map's ResultWriter. With `Resource: arn:aws:states:::s3:putObject` the children's
 * results go to `<Prefix>/<map run id>/` as files per status (SUCCEEDED_n, FAILED_n, PENDING_n;
 * a status's records start a new file, n + 1, when the next one would take the file past 5 GB,
 * S3's limit for one PUT) and a manifest.json naming them all in order, and the Map's result
 * becomes `{ MapRunArn, ResultWriterDetails }`.
 * With WriterConfig alone the transformed results are the Map's result. Keys derive from the map
 * run's ARN, itself derived from the execution, so a replayed step writes the same objects.
 */

const FAILED = 'States.ResultWriterFailed';
export const PUT_OBJECT = 'arn:aws:states:::s3:putObject';

export interface WriterSpec {
  Resource?: string;
  Parameters?: unknown;
  Arguments?: unknown;
  WriterConfig?: { OutputType?: string; Transformation?: string };
}

export type ChildStatus = 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT' | 'PENDING';

/** The most bytes one result file holds: S3 takes at most 5 GB in one PutObject. */
export const RESULT_FILE_MAX_BYTES = 5 * 1024 ** 3;

/** One child execution of the map run as it ended (or never started: PENDING). */
export interface ChildOutcome {
  index: number;
  input: unknown;
  status: ChildStatus;
  output?: unknown;
  error?: string;
  cause?: string;
  /** When this child started and stopped (epoch ms); without them its record shows the map run's. */
  startTime?: number;
  stopTime?: number;
}

/** What every child's record shares: its map run and when the run started and stopped. */
export interface RunInfo {
  mapRunArn: string;
  startTime: number;
  stopTime: number;
}

export const writesToS3 = (state: MapState): boolean => (state.ResultWriter as WriterSpec | undefined)?.Resource !== undefined;

/** The id AWS puts in the result keys: the map run ARN's last segment. */
export const mapRunId = (mapRunArn: string): string => mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1);

/** A UUID-shaped id derived from `seed`, so that a replay derives the same one. */
export function derivedUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The child execution's description, as the NONE transformation and failed children show it. */
export function childRecord(child: ChildOutcome, run: RunInfo): Record<string, unknown> {
  const at = run.mapRunArn.indexOf(':mapRun:');
  const prefix = run.mapRunArn.slice(0, at);
  const path = run.mapRunArn.slice(at + ':mapRun:'.length, run.mapRunArn.lastIndexOf(':'));
  const name = mapRunChildName(run.mapRunArn, child.index);
  const record: Record<string, unknown> = {
    ExecutionArn: `${prefix}:execution:${path}:${name}`,
    Input: JSON.stringify(child.input),
    InputDetails: { Included: true },
    Name: name,
  };
  if (child.status === 'SUCCEEDED') {
    record.Output = JSON.stringify(child.output);
    record.OutputDetails = { Included: true };
  }
  if (child.error !== undefined) record.Error = child.error;
  if (child.cause !== undefined) record.Cause = child.cause;
  record.RedriveCount = 0;
  record.RedriveStatus = child.status === 'SUCCEEDED' ? 'NOT_REDRIVABLE' : 'REDRIVABLE_BY_MAP_RUN';
  if (child.status === 'SUCCEEDED') record.RedriveStatusReason = 'Execution is SUCCEEDED and cannot be redriven';
  if (child.status !== 'PENDING') record.StartDate = new Date(child.startTime ?? run.startTime).toISOString();
  record.StateMachineArn = `${prefix}:stateMachine:${path}`;
  record.Status = child.status;
  if (child.status !== 'PENDING') record.StopDate = new Date(child.stopTime ?? run.stopTime).toISOString();
  return record;
}

/**
 * The results under a Transformation: NONE describes every child; COMPACT gives a succeeded
 * child's output; FLATTEN spreads an output that is an array. A failed child is always described.
 */
export function transformResults(children: ChildOutcome[], transformation: string, run: RunInfo): unknown[] {
  const out: unknown[] = [];
  for (const child of children) {
    if (transformation === 'NONE' || child.status !== 'SUCCEEDED') out.push(childRecord(child, run));
    else if (transformation === 'FLATTEN' && Array.isArray(child.output)) out.push(...child.output);
    else out.push(child.output);
  }
  return out;
}

/** A results file's body: a JSON array, or one JSON value per line. */
export function serialize(values: unknown[], outputType: string): string {
  if (outputType === 'JSONL') return values.map((v) => `${JSON.stringify(v)}\n`).join('');
  return JSON.stringify(values);
}

/**
 * The bodies of one status's result files: the values in order, a new file begun whenever the
 * next value would take the current one past `maxBytes` (a value larger than that alone fills a
 * file of its own). Sizes count UTF-8 bytes, with the array's brackets and commas or the lines'
 * newlines.
 */
export function splitResults(values: unknown[], outputType: string, maxBytes = RESULT_FILE_MAX_BYTES): string[] {
  const jsonl = outputType === 'JSONL';
  const bodies: string[] = [];
  let parts: string[] = [];
  let size = jsonl ? 0 : 2;
  const close = () => {
    bodies.push(jsonl ? parts.join('') : `[${parts.join(',')}]`);
    parts = [];
    size = jsonl ? 0 : 2;
  };
  for (const v of values) {
    const part = jsonl ? `${JSON.stringify(v)}\n` : JSON.stringify(v);
    const bytes = Buffer.byteLength(part);
    const comma = () => (!jsonl && parts.length > 0 ? 1 : 0);
    if (parts.length > 0 && size + comma() + bytes > maxBytes) close();
    size += comma() + bytes;
    parts.push(part);
  }
  if (parts.length > 0 || bodies.length === 0) close();
  return bodies;
}

/** The Map's result when the ResultWriter has only a WriterConfig: the transformed results, inline. */
export function inlineResults(state: MapState, children: ChildOutcome[], run: RunInfo): unknown[] {
  const config = (state.ResultWriter as WriterSpec).WriterConfig ?? {};
  return transformResults(children, config.Transformation ?? 'COMPACT', run);
}

/** Fails fast, before any child runs, when results must go to S3 and no S3 is configured. */
export function requireWriterStore(state: MapState, sc: StateContext): void {
  if (writesToS3(state) && !sc.options.objectStore) {
    throw new StatesError(FAILED, `The ResultWriter could not write results to ${PUT_OBJECT}: no S3-compatible endpoint is configured.`);
  }
}

/** Writes the result files and the manifest; returns the Map's result `{ MapRunArn, ResultWriterDetails }`. */
export async function writeResults(
  state: MapState,
  sc: StateContext,
  input: unknown,
  children: ChildOutcome[],
  run: RunInfo,
  maxFileBytes = RESULT_FILE_MAX_BYTES,
): Promise<Record<string, unknown>> {
  const spec = state.ResultWriter as WriterSpec;
  const store = sc.options.objectStore as ObjectStore;
  const request = await s3Request(spec, sc, input, FAILED, 'ResultWriter');
  const bucket = request.Bucket;
  if (typeof bucket !== 'string' || bucket === '') throw new StatesError(FAILED, "The ResultWriter parameters must have a string field 'Bucket'.");
  let prefix = typeof request.Prefix === 'string' ? request.Prefix : '';
  if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
  const base = `${prefix}${mapRunId(run.mapRunArn)}/`;
  const outputType = spec.WriterConfig?.OutputType ?? 'JSON';
  const transformation = spec.WriterConfig?.Transformation ?? 'NONE';
  const files: Record<'FAILED' | 'PENDING' | 'SUCCEEDED', { Key: string; Size: number }[]> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  const groups: Record<keyof typeof files, ChildOutcome[]> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  for (const c of children) groups[c.status === 'ABORTED' || c.status === 'TIMED_OUT' ? 'FAILED' : c.status].push(c);
  try {
    for (const status of ['SUCCEEDED', 'FAILED', 'PENDING'] as const) {
      if (groups[status].length === 0) continue;
      const bodies = splitResults(transformResults(groups[status], transformation, run), outputType, maxFileBytes);
      for (const [n, Body] of bodies.entries()) {
        const Key = `${base}${status}_${n}.${outputType === 'JSONL' ? 'jsonl' : 'json'}`;
        await store.putObject({ Bucket: bucket, Key, Body });
        files[status].push({ Key, Size: Buffer.byteLength(Body) });
      }
    }
    const manifestKey = `${base}manifest.json`;
    const manifest = { DestinationBucket: bucket, MapRunArn: run.mapRunArn, ResultFiles: files };
    await store.putObject({ Bucket: bucket, Key: manifestKey, Body: JSON.stringify(manifest) });
    return { MapRunArn: run.mapRunArn, ResultWriterDetails: { Bucket: bucket, Key: manifestKey } };
  } catch (e) {
    if (e instanceof ObjectStoreError) throw new StatesError(FAILED, e.describe());
    if (e instanceof StatesError || !(e instanceof Error)) throw e;
    // Anything else the store throws (a refused connection) is still the reader's or writer's failure.
    throw new StatesError(FAILED, e.message);
  }
}

