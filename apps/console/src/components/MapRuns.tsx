/** An execution's Distributed Map runs, each with its counts and its child executions (paged). */
import { useState } from 'preact/hooks';
import { ApiError, call } from '../api.js';
import { ErrorNote, Link, StatusBadge, formatDate, useLoad } from '../ui.js';

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

function MapRun({ run }: { run: MapRunItem }) {
  const detail = useLoad(() => call<{ status: string; maxConcurrency: number; itemCounts: Counts; executionCounts: Counts }>('DescribeMapRun', { mapRunArn: run.mapRunArn }), [run.mapRunArn]);
  const [status, setStatus] = useState('');
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const token = tokens[tokens.length - 1];
  const children = useLoad(
    () => call<{ executions: { executionArn: string; name: string; status: string; startDate: number }[]; nextToken?: string }>('ListExecutions', { mapRunArn: run.mapRunArn, maxResults: 20, ...(status ? { statusFilter: status } : {}), ...(token ? { nextToken: token } : {}) }),
    [run.mapRunArn, status, token],
  );
  const c = detail.data?.executionCounts;
  // An api that keeps a Map Run's iterations inside its parent (RedStep today) refuses to list
  // them as executions: the counts above are then all there is to show.
  const unlisted = children.error instanceof ApiError && children.error.code === 'ValidationException';
  return (
    <div class="panel map-run">
      <h3 class="mono">{run.mapRunArn.split(':').slice(-2).join(':')}</h3>
      <ErrorNote error={detail.error} />
      {detail.data ? (
        <p>
          <StatusBadge status={detail.data.status} /> {c ? `${c.succeeded} succeeded, ${c.failed} failed, ${c.running} running, ${c.pending} pending, ${c.aborted} aborted, ${c.timedOut} timed out of ${c.total}` : ''} · started {formatDate(run.startDate)}
        </p>
      ) : null}
      {unlisted ? (
        <p class="hint" data-testid="children-unlisted">
          Its child executions are not listed by this api (ListExecutions by Map Run): the counts above cover them.
        </p>
      ) : (
        <>
          <label class="inline">
            Children
            <select
              value={status}
              onChange={(e) => {
                setStatus((e.currentTarget as HTMLSelectElement).value);
                setTokens([undefined]);
              }}
              aria-label="Child status filter"
            >
              {['', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'].map((s) => (
                <option key={s} value={s}>
                  {s || 'any'}
                </option>
              ))}
            </select>
          </label>
          <ErrorNote error={children.error} />
          <ul class="plain">
            {(children.data?.executions ?? []).map((x) => (
              <li key={x.executionArn}>
                <Link to={{ page: 'execution', arn: x.executionArn }}>{x.name}</Link> <StatusBadge status={x.status} />
              </li>
            ))}
          </ul>
          <div class="pager">
            <button type="button" disabled={tokens.length < 2} onClick={() => setTokens((t) => t.slice(0, -1))}>
              ← Previous
            </button>
            <button type="button" disabled={!children.data?.nextToken} onClick={() => setTokens((t) => [...t, children.data?.nextToken])}>
              Next →
            </button>
          </div>
        </>
      )}
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
        <MapRun key={r.mapRunArn} run={r} />
      ))}
    </section>
  );
}
