import type { MapState } from '../../asl/types.js';
import { yieldWhenBusy } from '../../bounded/yield.js';
import { StatesError } from '../../errors.js';
import { expressionOf, isJsonataTemplate, QueryEvaluationError, unexpectedTypeCause } from '../../jsonata/index.js';
import { applyInputPath, evaluatePath, evaluatePayloadTemplate, type PathContext } from '../../jsonpath/index.js';
import { jsonata } from '../dataflow.js';
import type { Fanout, MapRunUpdate } from '../types.js';
import { nestedScope } from '../variables.js';
import { readerItems } from '../s3/item-reader.js';
import { derivedUuid, inlineResults, requireWriterStore, writeResults, writesToS3, type ChildOutcome, type RunInfo } from '../s3/result-writer.js';
import { advanceFanout, exceedsTolerance, fanoutCounts, newFanout, TOLERANCE_EXCEEDED, waitingOutcome } from './fanout.js';
import { leaveWithResult } from './results.js';
import { errorOutcome } from './error-outcome.js';
import { freshBudget, inspect, mockedError, type Mocked, type Outcome, type Scope, type StateContext } from './state-context.js';

/**
 * Map: one iteration per item, each a frame running the ItemProcessor (or legacy Iterator) on
 * the item after ItemSelector (or legacy Parameters); the result is the outputs in item order.
 * A DISTRIBUTED processor runs its iterations the same way but, as on AWS, records a map run
 * in this history instead of the iterations' own events.
 */
export async function runMap(state: MapState, sc: StateContext): Promise<Outcome> {
  if (sc.inspection?.mock) return runMockedMap(state, sc, sc.inspection.mock);
  const processor = (state.ItemProcessor ?? state.Iterator) as MapState['ItemProcessor'] & object;
  const distributed = processor.ProcessorConfig?.Mode === 'DISTRIBUTED';
  let fanout = sc.cursor.fanout;
  if (!fanout) {
    let items: { input: unknown; inputs: unknown[] };
    try {
      requireWriterStore(state, sc);
      items = await readItems(state, sc);
    } catch (e) {
      // Reading the items fails the Map state itself (MapStateFailed), unlike its limits below.
      const outcome = errorOutcome(e, sc.cursor);
      return { ...outcome, failedEvent: 'MapStateFailed' };
    }
    // AWS checks MaxConcurrency before the Map starts and the tolerated failures after.
    const maxConcurrency = (await optionalLimit(state, sc, items.input, 'MaxConcurrency', 'integer')) ?? 0;
    sc.recorder.add('MapStateStarted', { mapStateStartedEventDetails: { length: items.inputs.length } });
    fanout = await tolerance(state, sc, items.input, newFanout(items.inputs.length, items.inputs, maxConcurrency));
    if (distributed) {
      const arn = mapRunArn(sc, state);
      fanout.mapRun = { arn, redriveCount: 0 };
      sc.recorder.add('MapRunStarted', { mapRunStartedEventDetails: { mapRunArn: arn } });
      reportMapRun(sc, fanout, 'started');
    }
  } else if (fanout.mapRun) {
    fanout = withMapRunLimits(sc, fanout);
    if (fanout.mapRun!.redriven) {
      // A redriven parent redrives its map run: the failed and aborted children run again.
      const redriveCount = fanout.mapRun!.redriveCount + 1;
      fanout = { ...fanout, mapRun: { arn: fanout.mapRun!.arn, redriveCount } };
      sc.recorder.add('MapRunRedriven', { mapRunRedrivenEventDetails: { mapRunArn: fanout.mapRun!.arn, redriveCount } });
      reportMapRun(sc, fanout, 'redriven');
    }
  }
  const scope: Scope = processor;
  const progress = await advanceFanout(sc, {
    kind: 'Map',
    scopeOf: () => scope,
    silent: distributed,
    outerVariables: nestedScope(sc.cursor, distributed),
    ...(distributed && processor.ProcessorConfig?.ExecutionType !== 'EXPRESS' && { records: { batched: state.ItemBatcher !== undefined } }),
    ...(distributed && state.ResultWriter !== undefined && { times: true }),
  }, fanout);
  switch (progress.kind) {
    case 'done': {
      let result: unknown = progress.results;
      const closed = { ...progress.fanout, next: fanout.total, done: fanout.total, running: {}, redo: {}, failed: progress.failed };
      if (distributed && state.ResultWriter !== undefined) {
        const run = runInfo(sc, fanout);
        const children = childOutcomes(progress.fanout, sc.cursor.enteredTime);
        try {
          result = writesToS3(state) ? await writeResults(state, sc, mapInput(state, sc), children, run) : inlineResults(state, children, run);
        } catch (e) {
          const outcome = errorOutcome(e, sc.cursor);
          sc.recorder.add('MapRunFailed', { mapRunFailedEventDetails: defined({ error: outcome.error, cause: outcome.cause }) });
          reportMapRun(sc, closed, 'closed', 'FAILED');
          return { ...outcome, failedEvent: 'MapStateFailed' };
        }
      }
      if (distributed) {
        sc.recorder.add('MapRunSucceeded');
        reportMapRun(sc, closed, 'closed', 'SUCCEEDED', writesToS3(state));
      }
      sc.recorder.add('MapStateSucceeded');
      return leaveWithResult(state, sc, result);
    }
    case 'failed': {
      // The run failed, yet its results are still written, as on AWS; a failed write does not
      // replace the run's own error.
      const written =
        distributed &&
        writesToS3(state) &&
        (await writeResults(state, sc, mapInput(state, sc), childOutcomes(progress.fanout, sc.cursor.enteredTime), runInfo(sc, progress.fanout)).then(
          () => true,
          () => false,
        ));
      if (distributed) {
        sc.recorder.add('MapRunFailed', { mapRunFailedEventDetails: defined({ error: progress.error, cause: progress.cause }) });
        reportMapRun(sc, progress.fanout, 'closed', 'FAILED', written);
      }
      return { kind: 'error', failedEvent: 'MapStateFailed', fanout: progress.fanout, ...defined({ error: progress.error, cause: progress.cause }) };
    }
    case 'waiting':
      return waitingOutcome(progress.fanout, progress.more);
    default: {
      const unreachable: never = progress;
      throw new Error(`unknown progress ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * TestState with a mock: the Map reads its input, items and limits as it would, then the mock
 * stands for the iterations' results (or their failure). Items from an ItemReader are not read.
 */
async function runMockedMap(state: MapState, sc: StateContext, mock: Mocked): Promise<Outcome> {
  let input: unknown;
  if (state.ItemReader === undefined) input = (await readItems(state, sc)).input;
  else input = sc.language === 'JSONata' ? sc.cursor.input : applyInputPath(state.InputPath, sc.cursor.input, sc.paths());
  const maxConcurrency = (await optionalLimit(state, sc, input, 'MaxConcurrency', 'integer')) ?? 0;
  inspect(sc, 'maxConcurrency', maxConcurrency);
  const results = mock.kind === 'result' && Array.isArray(mock.result) ? mock.result : [];
  const fanout = await tolerance(state, sc, input, newFanout(results.length, []));
  if (fanout.toleratedCount !== undefined) inspect(sc, 'toleratedFailureCount', fanout.toleratedCount);
  if (fanout.toleratedPercentage !== undefined) inspect(sc, 'toleratedFailurePercentage', fanout.toleratedPercentage);
  if (mock.kind === 'error') return mockedError(mock);
  fanout.failed = mock.failedIterations ?? 0;
  if (exceedsTolerance(fanout)) return { kind: 'error', ...TOLERANCE_EXCEEDED };
  return leaveWithResult(state, sc, mock.result as unknown[]);
}

/** Reads the items and each iteration's input (after ItemSelector). */
async function readItems(state: MapState, sc: StateContext): Promise<{ input: unknown; inputs: unknown[] }> {
  const jsonataMode = sc.language === 'JSONata';
  let input: unknown;
  let items: unknown;
  if (jsonataMode) {
    input = sc.cursor.input;
    items = state.Items === undefined || state.ItemReader !== undefined ? input : await jsonata(sc, state.Items, 'Items');
    if (!Array.isArray(items) && state.ItemReader === undefined) {
      if (state.Items === undefined) throw new QueryEvaluationError(`Map state input must be an array but was: ${JSON.stringify(items)}`, '');
      const expression = isJsonataTemplate(state.Items) ? expressionOf(state.Items as string) : JSON.stringify(state.Items);
      throw new QueryEvaluationError(unexpectedTypeCause(expression, 'Items', 'array', items), 'Items');
    }
  } else {
    const paths = sc.paths();
    input = applyInputPath(state.InputPath, sc.cursor.input, paths);
    inspect(sc, 'afterInputPath', input);
    if (state.ItemReader === undefined) {
      items = state.ItemsPath === undefined ? input : evaluatePath(state.ItemsPath, input, paths);
      if (!Array.isArray(items)) throw new StatesError('States.Runtime', `Reference path "${state.ItemsPath ?? '$'}" must point to array.`);
      inspect(sc, 'afterItemsPath', items);
    }
  }
  // An ItemReader's items come from S3 instead of the state input.
  if (state.ItemReader !== undefined) items = await readerItems(state, sc, input);
  if (!Array.isArray(items)) throw new StatesError('States.Runtime', 'Map items must be an array.');
  const selector = state.ItemSelector ?? state.Parameters;
  const inputs: unknown[] = [];
  let lastTurn = Date.now();
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    if (selector === undefined) {
      inputs.push(item);
      continue;
    }
    const itemSc = withMapItem(freshBudget(sc), index, item);
    inputs.push(jsonataMode ? await jsonata(itemSc, selector, 'ItemSelector') : evaluatePayloadTemplate(selector, input, itemSc.paths(), 'ItemSelector'));
    // Many items' selectors add up: let the worker serve others between them.
    lastTurn = await yieldWhenBusy(lastTurn);
  }
  if (state.ItemBatcher !== undefined) return { input, inputs: await batches(state.ItemBatcher as ItemBatcher, sc, input, inputs) };
  return { input, inputs };
}

/** The tolerated failures, read once the Map has started. */
async function tolerance(state: MapState, sc: StateContext, input: unknown, fanout: Fanout): Promise<Fanout> {
  const count = await optionalLimit(state, sc, input, 'ToleratedFailureCount', 'integer');
  const percentage = await optionalLimit(state, sc, input, 'ToleratedFailurePercentage', 'float');
  if (count !== undefined) fanout.toleratedCount = count;
  if (percentage !== undefined) fanout.toleratedPercentage = percentage;
  return fanout;
}

/** The state context with `$$.Map.Item` set, for ItemSelector. */
function withMapItem(sc: StateContext, index: number, value: unknown): StateContext {
  const paths = (token?: string) => {
    const base = sc.paths(token);
    const out: PathContext = {
      get context() {
        return { ...(base.context as object), Map: { Item: { Index: index, Value: value } } };
      },
    };
    if (base.variables !== undefined) out.variables = base.variables;
    if (base.budget !== undefined) out.budget = base.budget;
    return out;
  };
  return { ...sc, paths };
}

type LimitField = 'MaxConcurrency' | 'ToleratedFailureCount' | 'ToleratedFailurePercentage';

/** A number, or a string that reads as one (AWS accepts "1" from a path). */
function numeric(value: unknown, kind: 'integer' | 'float'): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n) || (kind === 'integer' && !Number.isInteger(n))) return undefined;
  return n;
}

/** A Map limit from its literal, its `...Path` or its JSONata expression, with AWS's checks. */
async function optionalLimit(state: MapState, sc: StateContext, input: unknown, field: LimitField, kind: 'integer' | 'float'): Promise<number | undefined> {
  const literal = state[field];
  const path = state[`${field}Path`];
  let value: unknown;
  if (path !== undefined) {
    const raw = evaluatePath(path, input, sc.paths());
    value = numeric(raw, kind);
    if (value === undefined) {
      const shown = typeof raw === 'string' ? raw : JSON.stringify(raw);
      throw new StatesError('States.Runtime', `The ${field}Path field refers to value "${shown}" which is not a valid ${kind}: ${path}`);
    }
  } else if (literal !== undefined) {
    value = sc.language === 'JSONata' && typeof literal === 'string' ? await jsonata(sc, literal, field) : literal;
  } else {
    return undefined;
  }
  const n = Number(value);
  if (field === 'ToleratedFailurePercentage' && (n < 0 || n > 100)) throw new StatesError('States.Runtime', 'ToleratedFailurePercentage must be between 0 and 100.');
  if (n < 0) throw new StatesError('States.Runtime', `${field} cannot be negative.`);
  return n;
}

/**
 * The map run's ARN. Its id derives from where the Map runs (execution, redrive, frame, entry,
 * attempt), so a step replayed after a crash names the same run and its ResultWriter the same keys.
 */
function mapRunArn(sc: StateContext, state: MapState): string {
  const sm = sc.execution.stateMachineArn;
  const prefix = sm.slice(0, sm.indexOf(':stateMachine:'));
  const label = state.Label ?? sc.cursor.state;
  const seed = [sc.execution.arn, sc.execution.redriveCount, sc.path.join('.'), sc.cursor.state, sc.cursor.enteredEventId, sc.cursor.attempts.join(',')].join('|');
  return `${prefix}:mapRun:${sc.execution.stateMachineName}/${label}:${derivedUuid(seed)}`;
}

/** The Map's effective input (after InputPath; the raw input in JSONata), for the ResultWriter's parameters. */
function mapInput(state: MapState, sc: StateContext): unknown {
  return sc.language === 'JSONata' ? sc.cursor.input : applyInputPath(state.InputPath, sc.cursor.input, sc.paths());
}

function runInfo(sc: StateContext, f: Fanout): RunInfo {
  return { mapRunArn: f.mapRun!.arn, startTime: sc.cursor.enteredTime, stopTime: sc.now };
}

/**
 * Each child's outcome: failed (kept for a redrive), aborted (still running), pending (never
 * started) or succeeded; with its own start and stop where they were kept (`entered`: when the
 * state was entered, which they count from).
 */
function childOutcomes(f: Fanout, entered: number): ChildOutcome[] {
  const out: ChildOutcome[] = [];
  for (let index = 0; index < f.total; index++) {
    const key = String(index);
    const child: ChildOutcome = { index, input: f.inputs[index], status: 'SUCCEEDED' };
    const start = f.times?.[2 * index];
    const stop = f.times?.[2 * index + 1];
    if (start != null) child.startTime = entered + start;
    if (stop != null) child.stopTime = entered + stop;
    if (f.failedFrames?.[key]) {
      child.status = f.stopped?.includes(index) ? 'ABORTED' : f.timedOut?.includes(index) ? 'TIMED_OUT' : 'FAILED';
      Object.assign(child, f.errors?.[key]);
    } else if (f.running[key]) child.status = 'ABORTED';
    else if (index >= f.next || f.redo?.[key]) child.status = 'PENDING';
    else child.output = f.results[index];
    out.push(child);
  }
  return out;
}

function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

interface ItemBatcher {
  MaxItemsPerBatch?: number | string;
  MaxItemsPerBatchPath?: string;
  MaxInputBytesPerBatch?: number | string;
  MaxInputBytesPerBatchPath?: string;
  BatchInput?: unknown;
}

/** AWS's bound on a batch's bytes (a child execution's input limit). */
const MAX_BATCH_BYTES = 262_144;

/**
 * ItemBatcher: items grouped into batches, each one child's input `{ BatchInput?, Items }`,
 * bounded by MaxItemsPerBatch and MaxInputBytesPerBatch (of the whole child input).
 */
async function batches(batcher: ItemBatcher, sc: StateContext, input: unknown, items: unknown[]): Promise<unknown[]> {
  const jsonataMode = sc.language === 'JSONata';
  const limit = async (field: 'MaxItemsPerBatch' | 'MaxInputBytesPerBatch'): Promise<number | undefined> => {
    const path = batcher[`${field}Path`];
    let value: unknown = batcher[field];
    if (path !== undefined) value = evaluatePath(path, input, sc.paths());
    else if (jsonataMode && typeof value === 'string') value = await jsonata(sc, value, field);
    if (value === undefined) return undefined;
    const n = numeric(value, 'integer');
    if (n === undefined || n <= 0) throw new StatesError('States.Runtime', `The ${field} field must be a positive integer, but was: ${JSON.stringify(value)}`);
    return n;
  };
  const maxItems = (await limit('MaxItemsPerBatch')) ?? Number.MAX_SAFE_INTEGER;
  const maxBytes = Math.min((await limit('MaxInputBytesPerBatch')) ?? MAX_BATCH_BYTES, MAX_BATCH_BYTES);
  let batchInput: unknown;
  if (batcher.BatchInput !== undefined) {
    batchInput = jsonataMode ? await jsonata(sc, batcher.BatchInput, 'BatchInput') : evaluatePayloadTemplate(batcher.BatchInput, input, sc.paths(), 'BatchInput');
  }
  const wrap = (batch: unknown[]) => (batchInput === undefined ? { Items: batch } : { BatchInput: batchInput, Items: batch });
  const emptyBytes = Buffer.byteLength(JSON.stringify(wrap([])));
  const out: unknown[] = [];
  let batch: unknown[] = [];
  let bytes = emptyBytes;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item)) + (batch.length > 0 ? 1 : 0);
    if (batch.length > 0 && (batch.length >= maxItems || bytes + size > maxBytes)) {
      out.push(wrap(batch));
      batch = [];
      bytes = emptyBytes;
    }
    if (emptyBytes + Buffer.byteLength(JSON.stringify(item)) > maxBytes) {
      throw new StatesError('States.ItemBatcherFailed', `An item exceeds MaxInputBytesPerBatch (${maxBytes} bytes) on its own.`);
    }
    batch.push(item);
    bytes += Buffer.byteLength(JSON.stringify(item)) + (batch.length > 1 ? 1 : 0);
  }
  if (batch.length > 0) out.push(wrap(batch));
  return out;
}

/** UpdateMapRun's limits, applied when the Map next steps. */
function withMapRunLimits(sc: StateContext, fanout: Fanout): Fanout {
  const limits = sc.options.mapRunLimits?.(fanout.mapRun!.arn);
  if (!limits) return fanout;
  const f = { ...fanout };
  if (limits.maxConcurrency !== undefined) f.maxConcurrency = limits.maxConcurrency;
  if (limits.toleratedFailureCount !== undefined) f.toleratedCount = limits.toleratedFailureCount;
  if (limits.toleratedFailurePercentage !== undefined) f.toleratedPercentage = limits.toleratedFailurePercentage;
  return f;
}

function reportMapRun(sc: StateContext, f: Fanout, kind: MapRunUpdate['kind'], closing?: 'SUCCEEDED' | 'FAILED', resultsWritten = false): void {
  if (!sc.options.onMapRun || !f.mapRun) return;
  const counts = fanoutCounts(f, closing);
  // Every child's result went to S3: one per child, whatever its status.
  if (resultsWritten) counts.resultsWritten = counts.total;
  const update: MapRunUpdate = {
    arn: f.mapRun.arn,
    kind,
    status: closing ?? 'RUNNING',
    maxConcurrency: f.maxConcurrency,
    counts,
    redriveCount: f.mapRun.redriveCount,
  };
  if (f.toleratedCount !== undefined) update.toleratedFailureCount = f.toleratedCount;
  if (f.toleratedPercentage !== undefined) update.toleratedFailurePercentage = f.toleratedPercentage;
  sc.options.onMapRun(update);
}
