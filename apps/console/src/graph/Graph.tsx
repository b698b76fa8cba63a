/**
 * The definition drawn as one SVG: groups (Parallel, Map) as boxes with their branches in
 * lanes, then the transitions, then the states. Every state is a `<g>` carrying
 * `data-state-name` and `data-status`, for tests and for users' own tooling; it is focusable
 * and Enter or Space selects it.
 */
import { useState } from 'preact/hooks';
import type { StepStatus } from '../history/status.js';
import { NODE_H, type Layout, type PlacedEdge, type PlacedNode, type Point } from './layout.js';

/**
 * What a state box shows: a step's status, or `unrecorded` for an execution whose history keeps
 * no states (a map run's child), where `not-run` would claim what nobody knows.
 */
export type ShownStatus = StepStatus | 'unrecorded';

export interface GraphProps {
  layout: Layout;
  /** A state's status; undefined draws it neutral (a definition, not an execution). */
  statusOf?: (name: string) => ShownStatus | undefined;
  /** Text under a group's title, such as the Map iteration shown. */
  captionOf?: (name: string) => string | undefined;
  selected?: string;
  onSelect?: (name: string) => void;
  label: string;
}

function path(points: Point[]): string {
  if (points.length === 0) return '';
  let d = `M${points[0]!.x.toFixed(1)},${points[0]!.y.toFixed(1)}`;
  for (let i = 1; i < points.length; i++) d += `L${points[i]!.x.toFixed(1)},${points[i]!.y.toFixed(1)}`;
  return d;
}

const clipText = (text: string, width: number) => {
  const fit = Math.max(4, Math.floor((width - 20) / 7.2));
  return text.length > fit ? `${text.slice(0, fit - 1)}…` : text;
};

function Edge({ e }: { e: PlacedEdge }) {
  return <path class={`edge edge-${e.kind}`} d={path(e.points)} marker-end="url(#arrow)" />;
}

function StateBox(props: { n: PlacedNode; status: ShownStatus | undefined; caption?: string; selected: boolean }) {
  const { n, status } = props;
  const label = n.group ? clipText(`${n.type}${n.distributed ? ' (distributed)' : ''} · ${n.name}`, n.w - (props.caption ? 120 : 0)) : clipText(n.name, n.w);
  return (
    <g
      class={`state ${n.group ? 'group' : 'leaf'} type-${n.type.toLowerCase()}${props.selected ? ' selected' : ''}`}
      data-state-name={n.name}
      data-status={status ?? 'not-run'}
      data-type={n.type}
      tabindex={0}
      role="button"
      aria-label={`${n.name}, ${n.type}, ${status === 'unrecorded' ? 'not recorded' : (status ?? 'not run')}`}
    >
      <rect x={n.x} y={n.y} width={n.w} height={n.h} rx={n.group ? 8 : 6} />
      {n.group ? (
        <>
          <text class="group-title" x={n.x + 10} y={n.y + 18}>
            {label}
          </text>
          {props.caption ? (
            <text class="group-caption" x={n.x + n.w - 10} y={n.y + 18} text-anchor="end">
              {props.caption}
            </text>
          ) : null}
        </>
      ) : (
        <text x={n.x + n.w / 2} y={n.y + NODE_H / 2 + 4} text-anchor="middle">
          {label}
        </text>
      )}
      {/* The whole name as a tooltip, where the box cuts it short. */}
      {label.endsWith('…') ? <title>{n.name}</title> : null}
    </g>
  );
}

/** The state a click or key press in the drawing is about (one listener for all of them). */
function stateAt(target: EventTarget | null): string | undefined {
  const el = target instanceof Element ? target.closest('[data-state-name]') : null;
  return el?.getAttribute('data-state-name') ?? undefined;
}

export function Graph(props: GraphProps) {
  const { layout } = props;
  const [zoom, setZoom] = useState(1);
  const groups = layout.nodes.filter((n) => n.group).sort((a, b) => a.depth - b.depth);
  const leaves = layout.nodes.filter((n) => !n.group);
  return (
    <div class="graph-frame">
      <div class="graph-tools" role="toolbar" aria-label="Graph zoom">
        <button type="button" onClick={() => setZoom((z) => Math.min(2, z * 1.25))} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => setZoom((z) => Math.max(0.2, z / 1.25))} aria-label="Zoom out">
          −
        </button>
        <button type="button" onClick={() => setZoom(1)}>
          100%
        </button>
      </div>
      <div class="graph-scroll">
        <svg
          class="graph"
          role="group"
          aria-label={props.label}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          width={Math.round(layout.width * zoom)}
          height={Math.round(layout.height * zoom)}
          onClick={(e: MouseEvent) => {
            const name = stateAt(e.target);
            if (name !== undefined) props.onSelect?.(name);
          }}
          onKeyDown={(e: KeyboardEvent) => {
            const name = stateAt(e.target);
            if (name !== undefined && (e.key === 'Enter' || e.key === ' ')) {
              e.preventDefault();
              props.onSelect?.(name);
            }
          }}
        >
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0L10,5L0,10z" class="arrow-head" />
            </marker>
          </defs>
          {groups.map((n) => (
            <StateBox key={n.name} n={n} status={props.statusOf?.(n.name)} caption={props.captionOf?.(n.name)} selected={props.selected === n.name} />
          ))}
          {layout.lanes.map((l, i) => (
            <rect key={`lane${i}`} class="lane" x={l.x} y={l.y} width={l.w} height={l.h} rx={6} />
          ))}
          {layout.edges.map((e, i) => (
            <Edge key={i} e={e} />
          ))}
          <circle class="marker start" cx={layout.start.x} cy={layout.start.y} r={8}>
            <title>Start</title>
          </circle>
          {layout.end ? (
            <circle class="marker end" cx={layout.end.x} cy={layout.end.y} r={8}>
              <title>End</title>
            </circle>
          ) : null}
          {leaves.map((n) => (
            <StateBox key={n.name} n={n} status={props.statusOf?.(n.name)} selected={props.selected === n.name} />
          ))}
        </svg>
      </div>
    </div>
  );
}
