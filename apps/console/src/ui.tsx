/** Small shared pieces: links that route in the page, async loading, formatting. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { pathOf, type Route } from './router.js';

type Listener = () => void;
const listeners = new Set<Listener>();

/** Moves to a console page without a reload. */
export function navigate(to: string | Route, replace = false): void {
  const path = typeof to === 'string' ? to : pathOf(to);
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.scrollTo(0, 0);
  for (const l of listeners) l();
}

export function useLocation(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

export function Link(props: { to: Route; children: ComponentChildren; class?: string; title?: string }) {
  const href = pathOf(props.to);
  return (
    <a
      href={href}
      class={props.class}
      title={props.title}
      onClick={(e: MouseEvent) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {props.children}
    </a>
  );
}

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` now and whenever `deps` change or reload() is called; keeps the last answer while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const live = useRef(0);
  useEffect(() => {
    const run = ++live.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => run === live.current && setState({ data, loading: false }),
      (error: unknown) => run === live.current && setState((s) => ({ data: s.data, error: error instanceof Error ? error : new Error(String(error)), loading: false })),
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function ErrorNote({ error }: { error: Error | undefined }) {
  if (!error) return null;
  return (
    <p class="error-note" role="alert">
      <strong>{error.name}</strong> {error.message}
    </p>
  );
}

/** `2026-12-03 06:52:30` in the viewer's time zone; the API's dates are epoch seconds. */
export function formatDate(epoch: number | string | undefined): string {
  if (epoch === undefined) return '—';
  const ms = typeof epoch === 'number' ? (epoch < 1e11 ? epoch * 1000 : epoch) : Date.parse(epoch);
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(epoch);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function toMillis(epoch: number | string | undefined): number {
  if (epoch === undefined) return NaN;
  return typeof epoch === 'number' ? (epoch < 1e11 ? epoch * 1000 : epoch) : Date.parse(epoch);
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** JSON pretty-printed when it parses, else as it came. */
export function pretty(text: string | undefined): string {
  if (text === undefined) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** The last part of an ARN (the resource's name). */
export function arnName(arn: string): string {
  const parts = arn.split(':');
  return parts.slice(6).join(':') || arn;
}

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status.toLowerCase().replace(/_/g, '-')}`}>{status}</span>;
}
