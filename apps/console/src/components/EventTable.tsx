/**
 * The history as a table: filter by type, search in names and details, 50 rows a page, each
 * row's details on demand. Filtering a 25,000-event history is one pass over strings built
 * once per history, so typing stays responsive.
 */
import { Fragment } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { HistoryEvent } from '../history/types.js';
import { formatDuration, toMillis } from '../ui.js';

const PAGE = 50;

function detailsOf(e: HistoryEvent): Record<string, unknown> | undefined {
  for (const [k, v] of Object.entries(e)) if (k.endsWith('EventDetails') && typeof v === 'object' && v !== null) return v as Record<string, unknown>;
  return undefined;
}

function stepName(e: HistoryEvent): string {
  const d = detailsOf(e);
  const n = d?.['name'];
  return typeof n === 'string' ? n : '';
}

/** What a search looks in: the type and each detail, strings as they are (not JSON-escaped). */
function searchText(e: HistoryEvent): string {
  const d = detailsOf(e);
  const parts = [String(e.id), e.type];
  if (d) for (const v of Object.values(d)) parts.push(typeof v === 'string' ? v : JSON.stringify(v));
  return parts.join('\n').toLowerCase();
}

export interface EventTableProps {
  events: readonly HistoryEvent[];
  /** Show only these event ids (a state's events, from the inspector). */
  only?: { label: string; ids: ReadonlySet<number> };
  onClearOnly?: () => void;
}

export function EventTable({ events, only, onClearOnly }: EventTableProps) {
  const [type, setType] = useState('');
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(0);
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const search = useRef<HTMLInputElement>(null);
  const types = useMemo(() => [...new Set(events.map((e) => e.type))].sort(), [events]);
  const haystack = useMemo(() => new Map<number, string>(), [events]);
  const start = events.length > 0 ? toMillis(events[0]!.timestamp) : 0;
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return events.filter((e) => {
      if (type && e.type !== type) return false;
      if (only && !only.ids.has(e.id)) return false;
      if (!q) return true;
      let text = haystack.get(e.id);
      if (text === undefined) haystack.set(e.id, (text = searchText(e)));
      return text.includes(q);
    });
  }, [events, type, query, only, haystack]);
  const pages = Math.max(1, Math.ceil(shown.length / PAGE));
  const current = Math.min(page, pages - 1);
  useEffect(() => setPage(0), [type, query, only]);
  useEffect(() => {
    // `/` jumps to the search box, as in most consoles.
    const key = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.key === '/' && target && !/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) {
        e.preventDefault();
        search.current?.focus();
      }
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, []);
  const rows = shown.slice(current * PAGE, current * PAGE + PAGE);
  const toggle = (id: number) =>
    setOpen((o) => {
      const n = new Set(o);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  return (
    <section aria-label="Events" class="events">
      <div class="section-head">
        <h2>Events</h2>
        <select value={type} onChange={(e) => setType((e.currentTarget as HTMLSelectElement).value)} aria-label="Event type">
          <option value="">All types</option>
          {types.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <input ref={search} type="search" placeholder="Search events ( / )" value={query} onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} aria-label="Search events" />
        {only ? (
          <button type="button" class="chip" onClick={onClearOnly}>
            {only.label} ✕
          </button>
        ) : null}
        <span class="muted" data-testid="event-count">
          {shown.length.toLocaleString()} of {events.length.toLocaleString()}
        </span>
      </div>
      <table class="list events-table">
        <thead>
          <tr>
            <th class="num">ID</th>
            <th>Type</th>
            <th>Step</th>
            <th class="num">Elapsed</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <Fragment key={e.id}>
              <tr data-event-type={e.type} class={/Failed|TimedOut|Aborted/.test(e.type) ? 'bad' : ''}>
                <td class="num">{e.id}</td>
                <td>{e.type}</td>
                <td>{stepName(e)}</td>
                <td class="num">{formatDuration(toMillis(e.timestamp) - start)}</td>
                <td>
                  <button type="button" class="link" aria-expanded={open.has(e.id)} onClick={() => toggle(e.id)}>
                    {open.has(e.id) ? 'Hide' : 'Details'}
                  </button>
                </td>
              </tr>
              {open.has(e.id) ? (
                <tr class="details-row">
                  <td colSpan={5}>
                    <pre class="code">{JSON.stringify(detailsOf(e) ?? {}, null, 2)}</pre>
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
      <div class="pager">
        <button type="button" disabled={current === 0} onClick={() => setPage(0)}>
          « First
        </button>
        <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)}>
          ← Previous
        </button>
        <span>
          Page {current + 1} of {pages}
        </span>
        <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
          Next →
        </button>
        <button type="button" disabled={current >= pages - 1} onClick={() => setPage(pages - 1)}>
          Last »
        </button>
      </div>
    </section>
  );
}
