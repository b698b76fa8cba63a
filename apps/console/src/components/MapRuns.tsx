/** An execution's Distributed Map runs, each with its counts and its child executions (paged). */
import { useEffect } from 'preact/hooks';
import { call } from '../api.js';
import { ErrorNote, Link, StatusBadge, formatDate, useLoad } from '../ui.js';
import { ExecutionList } from './ExecutionList.js';

interface MapRunItem {
  mapRunArn: string;
  startDate: number;
  stopDate?: number;
}

interface Counts {
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
  total: number;
}

export interface MapRunDescription {
  mapRunArn: string;
  executionArn: string;
  status: string;
  startDate: number;
  stopDate?: number;
  maxConcurrency: number;
  itemCounts: Counts;
  executionCounts: Counts;
}

/** How often a running map run's counts are read again. */
const POLL_MS = 2000;

/** A map run's child executions (ListExecutions by mapRunArn): a status filter and Newer/Older pages. */
export function MapRunChildren({ mapRunArn, refresh }: { mapRunArn: string; refresh: unknown }) {
  return (
    <div class="map-run-children">
      <ExecutionList of={{ mapRunArn }} title="Child executions" filterLabel="Child status filter" refresh={refresh} />
    </div>
  );
}

/** One map run: its status, counts and children; `linked` names it with a link to its own page. */
export function MapRun({ mapRunArn, refresh, linked = true }: { mapRunArn: string; refresh: unknown; linked?: boolean }) {
  const detail = useLoad(() => call<MapRunDescription>('DescribeMapRun', { mapRunArn }), [mapRunArn, refresh]);
  // Read again while it runs; each answer arms the next reading, an error stops it.
  useEffect(() => {
    if (detail.data?.status !== 'RUNNING') return undefined;
    const timer = setTimeout(detail.reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [detail.data]);
  const c = detail.data?.executionCounts;
  const name = mapRunArn.split(':').slice(-2).join(':');
  return (
    <div class="panel map-run" data-map-run={mapRunArn}>
      <h3 class="mono">{linked ? <Link to={{ page: 'map-run', arn: mapRunArn }}>{name}</Link> : name}</h3>
      <ErrorNote error={detail.error} />
      {detail.data ? (
        <p class="map-run-counts">
          <StatusBadge status={detail.data.status} /> {c ? `${c.succeeded} succeeded, ${c.failed} failed, ${c.running} running, ${c.pending} pending, ${c.aborted} aborted, ${c.timedOut} timed out of ${c.total}` : ''} · started {formatDate(detail.data.startDate)}
        </p>
      ) : null}
      {/* The children page is read again when the counts move (so while the run runs). */}
      <MapRunChildren mapRunArn={mapRunArn} refresh={detail.data ? `${detail.data.status} ${JSON.stringify(c)}` : undefined} />
    </div>
  );
}

export function MapRuns({ executionArn, refresh }: { executionArn: string; refresh: unknown }) {
  const runs = useLoad(() => call<{ mapRuns: MapRunItem[] }>('ListMapRuns', { executionArn, maxResults: 100 }), [executionArn, refresh]);
  if (!runs.data || runs.data.mapRuns.length === 0) return <ErrorNote error={runs.error} />;
  return (
    <section aria-label="Map runs">
      <h2>Map Runs</h2>
      {runs.data.mapRuns.map((r) => (
        <MapRun key={r.mapRunArn} mapRunArn={r.mapRunArn} refresh={refresh} />
      ))}
    </section>
  );
}
