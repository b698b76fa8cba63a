/** A paged, filterable table of executions: a machine's, or a map run's children (ListExecutions). */
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { ErrorNote, Link, StatusBadge, formatDate, useLoad } from '../ui.js';

interface ExecutionItem {
  executionArn: string;
  name: string;
  status: string;
  startDate: number;
  stopDate?: number;
}

const STATUSES = ['', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];
const PAGE = 20;

export interface ExecutionListProps {
  /** What ListExecutions lists: `{ stateMachineArn }` or `{ mapRunArn }`. */
  of: { stateMachineArn: string } | { mapRunArn: string };
  /** The table's accessible name, and the heading's text. */
  title: string;
  /** The status filter's accessible name. */
  filterLabel: string;
  /** Read again when this changes (a running map run's counts). */
  refresh?: unknown;
}

/** The list's head (title, status filter, refresh), its table and its Newer/Older pager. */
export function ExecutionList({ of, title, filterLabel, refresh }: ExecutionListProps) {
  const [status, setStatus] = useState('');
  // Tokens of the pages before this one (the first page has none), and this page's.
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const token = tokens[tokens.length - 1];
  const key = JSON.stringify(of);
  const page = useLoad(
    () => call<{ executions: ExecutionItem[]; nextToken?: string }>('ListExecutions', { ...of, maxResults: PAGE, ...(status ? { statusFilter: status } : {}), ...(token ? { nextToken: token } : {}) }),
    [key, status, token, refresh],
  );
  return (
    <>
      <div class="section-head">
        {'mapRunArn' in of ? <h4>{title}</h4> : <h2>{title}</h2>}
        <label class="inline">
          Status
          <select
            value={status}
            onChange={(e) => {
              setStatus((e.currentTarget as HTMLSelectElement).value);
              setTokens([undefined]);
            }}
            aria-label={filterLabel}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || 'any'}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={page.reload}>
          Refresh
        </button>
      </div>
      <ErrorNote error={page.error} />
      <table class="list" aria-label={title}>
        <thead>
          <tr>
            <th>Name</th>
            <th>Status</th>
            <th>Started</th>
            <th>Stopped</th>
          </tr>
        </thead>
        <tbody>
          {(page.data?.executions ?? []).map((x) => (
            <tr key={x.executionArn} data-arn={x.executionArn} data-status={x.status}>
              <td class="mono">
                <Link to={{ page: 'execution', arn: x.executionArn }}>{x.name}</Link>
              </td>
              <td>
                <StatusBadge status={x.status} />
              </td>
              <td>{formatDate(x.startDate)}</td>
              <td>{formatDate(x.stopDate)}</td>
            </tr>
          ))}
          {page.data?.executions.length === 0 ? (
            <tr>
              <td colSpan={4} class="empty">
                No {title.toLowerCase()}
                {status ? ` ${status}` : ''}.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <div class="pager">
        <button type="button" disabled={tokens.length < 2} onClick={() => setTokens((t) => t.slice(0, -1))}>
          ← Newer
        </button>
        <span>Page {tokens.length}</span>
        <button type="button" disabled={!page.data?.nextToken} onClick={() => setTokens((t) => [...t, page.data?.nextToken])}>
          Older →
        </button>
      </div>
    </>
  );
}
