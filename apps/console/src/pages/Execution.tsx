/**
 * `/console/executions/<arn>`: the graph coloured by what each state did, kept live while the
 * execution runs (DescribeExecution, then the new events, every second); a Map iteration
 * picker; the step inspector; Stop and Redrive; Map Runs; the event table. A Distributed Map's
 * child execution is shown the same way (its graph is the Map's ItemProcessor), with links up to
 * its parent execution and map run.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, call } from '../api.js';
import { EventTable } from '../components/EventTable.js';
import { Inspector } from '../components/Inspector.js';
import { mapRunLabel } from '../arns.js';
import { MapRuns } from '../components/MapRuns.js';
import { Graph } from '../graph/Graph.js';
import { useLayout } from '../graph/use-layout.js';
import { definitionGraph, enclosingMaps, statesByName, type StateGraph, type StateNode } from '../graph/model.js';
import { loadHistory } from '../history/load.js';
import { readHistory, statusIn, stepKey, type HistoryReading, type MapProgress, type StepRecord } from '../history/status.js';
import type { ExecutionDescription, HistoryEvent } from '../history/types.js';
import { MapRunCrumbs, useMapRunParent } from './MapRun.js';
import { ErrorNote, Link, StatusBadge, arnName, formatDate, formatDuration, pretty, toMillis } from '../ui.js';

const POLL_MS = 1000;

interface Model {
  graph: StateGraph;
  states: Map<string, StateNode>;
  enclosing: Map<string, string | undefined>;
  queryLanguage: string | undefined;
}

interface Live {
  desc?: ExecutionDescription;
  events: HistoryEvent[];
  error?: Error;
  /** Events read so far while a long history loads for the first time. */
  loading?: number;
}

/** Answers no retry can change. */
const FINAL_ERRORS = new Set(['ExecutionDoesNotExist', 'InvalidArn', 'ValidationException']);

/** The execution and its history, polled while it runs; `restart` after a redrive. */
function useLiveExecution(arn: string): [Live, () => void] {
  const [live, setLive] = useState<Live>({ events: [] });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let events: HistoryEvent[] = [];
    const tick = async () => {
      try {
        // Describe first: when it says the execution ended, the history read after it is whole.
        const desc = await call<ExecutionDescription>('DescribeExecution', { executionArn: arn });
        events = await loadHistory(arn, events, (n) => !stopped && setLive((l) => ({ ...l, loading: n })));
        if (stopped) return;
        setLive({ desc, events });
        if (desc.status === 'RUNNING') timer = setTimeout(() => void tick(), POLL_MS);
      } catch (e) {
        if (stopped) return;
        setLive((l) => ({ ...l, error: e as Error }));
        if (!(e instanceof ApiError && FINAL_ERRORS.has(e.code))) timer = setTimeout(() => void tick(), POLL_MS * 3);
      }
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [arn, generation]);
  return [live, () => setGeneration((g) => g + 1)];
}

/** The Map states above a state, outermost first. */
function mapsAbove(enclosing: Map<string, string | undefined>, name: string): string[] {
  const out: string[] = [];
  for (let m = enclosing.get(name); m !== undefined; m = enclosing.get(m)) out.unshift(m);
  return out;
}

/** The iteration a Map shows until one is picked: the first that failed, else the first. */
const defaults = new WeakMap<MapProgress, number>();
function defaultPick(progress: MapProgress | undefined): number {
  if (!progress) return 0;
  let pick = defaults.get(progress);
  if (pick === undefined) {
    pick = 0;
    for (const [i, s] of progress.iterations) {
      if (s === 'failed') {
        pick = i;
        break;
      }
    }
    defaults.set(progress, pick);
  }
  return pick;
}

interface PickerProps {
  progress: MapProgress;
  index: number;
  onPick: (index: number) => void;
}

/** Chooses which iteration of a Map the graph shows: a number, steps, the first failure. */
function IterationPicker({ progress, index, onPick }: PickerProps) {
  const total = progress.length ?? progress.iterations.size;
  let failed = 0;
  let succeeded = 0;
  let running = 0;
  let firstFailed: number | undefined;
  for (const [i, s] of progress.iterations) {
    if (s === 'failed') {
      failed++;
      if (firstFailed === undefined || i < firstFailed) firstFailed = i;
    } else if (s === 'succeeded') succeeded++;
    else running++;
  }
  const last = Math.max(0, total - 1);
  const go = (i: number) => onPick(Math.min(last, Math.max(0, i)));
  return (
    <div class="picker" role="group" aria-label={`Iterations of ${progress.name}`} data-map={progress.name}>
      <strong>{progress.name}</strong>
      <span class="muted">
        {total.toLocaleString()} iterations: {succeeded} succeeded, {failed} failed, {running} running
      </span>
      <button type="button" onClick={() => go(index - 1)} disabled={index <= 0} aria-label="Previous iteration">
        ‹
      </button>
      <label class="inline">
        Iteration
        <input type="number" min={0} max={last} value={index} onInput={(e) => go(Number((e.currentTarget as HTMLInputElement).value))} aria-label={`Iteration of ${progress.name}`} />
      </label>
      <button type="button" onClick={() => go(index + 1)} disabled={index >= last} aria-label="Next iteration">
        ›
      </button>
      {firstFailed !== undefined ? (
        <button type="button" onClick={() => go(firstFailed)}>
          First failed ({firstFailed})
        </button>
      ) : null}
    </div>
  );
}

function Actions({ desc, onChanged }: { desc: ExecutionDescription; onChanged: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const act = async (action: string) => {
    setBusy(true);
    setError(undefined);
    try {
      await call(action, { executionArn: desc.executionArn, ...(action === 'StopExecution' ? { error: 'Console.Stopped', cause: 'Stopped from the RedStep console' } : {}) });
      setConfirming(false);
      onChanged();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const redrivable = desc.status === 'FAILED' || desc.status === 'TIMED_OUT' || desc.status === 'ABORTED';
  // A map run's child is stopped and redriven with its parent and map run, never on its own.
  if (desc.mapRunArn !== undefined) {
    return redrivable ? <p class="hint">A child execution is redriven with its map run: redrive the parent execution.</p> : null;
  }
  return (
    <div class="actions">
      {desc.status === 'RUNNING' && !confirming ? (
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          Stop execution
        </button>
      ) : null}
      {desc.status === 'RUNNING' && confirming ? (
        <>
          <button type="button" class="danger" disabled={busy} onClick={() => void act('StopExecution')} autoFocus>
            Confirm stop
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep running
          </button>
        </>
      ) : null}
      {redrivable ? (
        <button type="button" class="primary" disabled={busy} onClick={() => void act('RedriveExecution')}>
          Redrive
        </button>
      ) : null}
      <ErrorNote error={error} />
    </div>
  );
}

export function Execution({ arn }: { arn: string }) {
  const [live, restart] = useLiveExecution(arn);
  const desc = live.desc;
  const parent = useMapRunParent(desc?.mapRunArn);
  const [definition, setDefinition] = useState<string>();
  const [defError, setDefError] = useState<Error>();
  useEffect(() => {
    setDefinition(undefined);
    call<{ definition: string }>('DescribeStateMachineForExecution', { executionArn: arn }).then(
      (d) => setDefinition(d.definition),
      (e: unknown) => setDefError(e as Error),
    );
  }, [arn]);
  const model = useMemo((): Model | { error: Error } | undefined => {
    if (definition === undefined) return undefined;
    try {
      const graph: StateGraph = definitionGraph(definition);
      const parsed = JSON.parse(definition) as Record<string, unknown>;
      return { graph, states: statesByName(graph), enclosing: enclosingMaps(graph), queryLanguage: parsed['QueryLanguage'] as string | undefined };
    } catch (e) {
      return { error: e as Error };
    }
  }, [definition]);
  const drawn = useLayout(definition);
  const reading: HistoryReading = useMemo(() => readHistory(live.events, desc?.status ?? 'RUNNING'), [live.events, desc?.status]);
  // Map Runs are listed again when the execution's status changes or a map run starts.
  const mapRunsStarted = useMemo(() => live.events.reduce((n, e) => (e.type === 'MapRunStarted' ? n + 1 : n), 0), [live.events]);
  // A map run child recorded before RedStep kept children's histories has only its start and
  // end: its graph is then drawn with every state unrecorded.
  const unrecorded = desc?.mapRunArn !== undefined && !live.events.some((e) => e.type.endsWith('StateEntered'));
  const [picks, setPicks] = useState<ReadonlyMap<string, number>>(new Map());
  const [selected, setSelected] = useState<string>();
  const [only, setOnly] = useState<{ label: string; ids: ReadonlySet<number> }>();

  const ok = model && 'graph' in model ? model : undefined;
  const modelError = model && 'error' in model ? model.error : undefined;
  const scopeOf = (maps: string[]) => maps.map((m, i) => `${m}[${pickOf(m, maps.slice(0, i))}]`).join('/');
  const progressOf = (m: string, above: string[]) => reading.maps.get(stepKey(scopeOf(above), m));
  const pickOf = (m: string, above: string[]): number => picks.get(m) ?? defaultPick(progressOf(m, above));
  const effectivePicks = (maps: string[]) => new Map(maps.map((m, i) => [m, pickOf(m, maps.slice(0, i))]));
  const recordOf = (name: string): StepRecord | undefined => {
    if (!ok) return undefined;
    const above = mapsAbove(ok.enclosing, name);
    return statusIn(reading, name, above, effectivePicks(above));
  };
  const inlineMaps = ok ? [...ok.states.values()].filter((s) => s.type === 'Map' && !s.distributed) : [];
  const pickers = inlineMaps
    .map((s) => {
      const above = mapsAbove(ok!.enclosing, s.name);
      const progress = progressOf(s.name, above);
      return progress && progress.iterations.size > 0 ? { progress, index: pickOf(s.name, above) } : undefined;
    })
    .filter((p) => p !== undefined);
  const selectedDef = selected && ok ? ok.states.get(selected)?.def : undefined;
  const started = toMillis(desc?.startDate);
  const stopped = desc?.stopDate !== undefined ? toMillis(desc.stopDate) : Date.now();
  return (
    <main>
      {desc?.mapRunArn !== undefined ? (
        <MapRunCrumbs mapRunArn={desc.mapRunArn} parentArn={parent.parentArn}>
          <span>{desc.name}</span>
        </MapRunCrumbs>
      ) : (
        <nav class="crumbs" aria-label="Breadcrumbs">
          <Link to={{ page: 'home' }}>State machines</Link> / {desc ? <Link to={{ page: 'state-machine', arn: desc.stateMachineArn }}>{arnName(desc.stateMachineArn)}</Link> : '…'} / <span>{desc?.name ?? arnName(arn)}</span>
        </nav>
      )}
      <ErrorNote error={live.error} />
      {!desc && !live.error ? <p class="hint">{live.loading ? `Loading the history: ${live.loading.toLocaleString()} events so far…` : 'Loading…'}</p> : null}
      {desc ? (
        <header class="page-head">
          <h1>
            {desc.name} <StatusBadge status={desc.status} />
          </h1>
          <Actions desc={desc} onChanged={restart} />
          <dl class="facts">
            <dt>Started</dt>
            <dd>{formatDate(desc.startDate)}</dd>
            <dt>Duration</dt>
            <dd>{formatDuration(stopped - started)}</dd>
            {desc.redriveCount ? (
              <>
                <dt>Redriven</dt>
                <dd>{desc.redriveCount} times</dd>
              </>
            ) : null}
            {desc.error !== undefined || desc.cause !== undefined ? (
              <>
                <dt>Error</dt>
                <dd class="bad" data-testid="execution-error">
                  <strong>{desc.error}</strong> {desc.cause}
                </dd>
              </>
            ) : null}
            {desc.mapRunArn !== undefined ? (
              <>
                <dt>Parent execution</dt>
                <dd data-testid="parent-execution">{parent.parentArn ? <Link to={{ page: 'execution', arn: parent.parentArn }}>{parent.parentArn.split(':').pop()}</Link> : '…'}</dd>
                <dt>Map Run</dt>
                <dd data-testid="map-run">
                  <Link to={{ page: 'map-run', arn: desc.mapRunArn }}>{mapRunLabel(desc.mapRunArn)}</Link>
                </dd>
              </>
            ) : null}
            <dt>ARN</dt>
            <dd class="mono">{desc.executionArn}</dd>
          </dl>
        </header>
      ) : null}
      <ErrorNote error={defError ?? modelError ?? drawn.error ?? parent.error} />
      {pickers.length > 0 ? (
        <div class="pickers">
          {pickers.map((p) => (
            <IterationPicker key={p.progress.name} progress={p.progress} index={p.index} onPick={(i) => setPicks((old) => new Map(old).set(p.progress.name, i))} />
          ))}
        </div>
      ) : null}
      {ok && drawn.layout ? (
        <section class="graph-section" aria-label="Graph">
          <div class="graph-with-side">
            <Graph
              layout={drawn.layout}
              label={`Execution ${desc?.name ?? ''}`}
              statusOf={(name) => (unrecorded ? 'unrecorded' : (recordOf(name)?.status ?? 'not-run'))}
              captionOf={(name) => {
                const p = pickers.find((x) => x.progress.name === name);
                return p ? `iteration ${p.index} of ${(p.progress.length ?? p.progress.iterations.size).toLocaleString()}` : undefined;
              }}
              selected={selected}
              onSelect={setSelected}
            />
            <aside class="side panel">
              {selected && selectedDef ? (
                <Inspector name={selected} def={selectedDef} record={recordOf(selected)} queryLanguage={ok.queryLanguage} unrecorded={unrecorded} onShowEvents={(r) => setOnly({ label: `${r.name}${r.scope ? ` in ${r.scope}` : ''}`, ids: new Set(r.eventIds) })} />
              ) : (
                <>
                  <h3>Execution input</h3>
                  <pre class="code">{pretty(desc?.input)}</pre>
                  <h3>Output</h3>
                  <pre class="code">{desc?.output !== undefined ? pretty(desc.output) : '—'}</pre>
                  <p class="hint">Select a state (click, or Tab then Enter) to inspect it.</p>
                </>
              )}
            </aside>
          </div>
          {unrecorded ? (
            <p class="hint" data-testid="states-unrecorded">
              This child execution was recorded before RedStep kept children's histories: its history holds its start and its end, so the graph shows its machine (the Map's ItemProcessor) without a path.
            </p>
          ) : (
            <Legend />
          )}
        </section>
      ) : null}
      {desc && desc.mapRunArn === undefined ? <MapRuns executionArn={arn} refresh={`${desc.status} ${mapRunsStarted}`} /> : null}
      <EventTable events={live.events} only={only} onClearOnly={() => setOnly(undefined)} />
    </main>
  );
}

function Legend() {
  return (
    <ul class="legend" aria-label="Legend">
      {(['succeeded', 'failed', 'caught', 'running', 'not-run'] as const).map((s) => (
        <li key={s}>
          <span class={`swatch ${s}`} /> {s === 'caught' ? 'caught error' : s.replace('-', ' ')}
        </li>
      ))}
    </ul>
  );
}
