/**
 * Places a state graph: each Parallel branch and Map processor is laid out on its own first
 * (bottom up), then stands in its parent as one node of fixed size. dagre lays out each level;
 * no level ever sees the nodes nested below it, which keeps a large definition fast.
 */
import dagre from '@dagrejs/dagre';
import type { EdgeKind, StateGraph, StateNode } from './model.js';

export interface Point {
  x: number;
  y: number;
}

/** A state's box, top-left corner, in the drawing's coordinates. */
export interface PlacedNode {
  name: string;
  type: string;
  x: number;
  y: number;
  w: number;
  h: number;
  /** A Parallel or Map drawn as a box around its branches. */
  group: boolean;
  distributed: boolean;
  depth: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  points: Point[];
}

/** One Parallel branch or Map processor: a lane inside its group's box. */
export interface PlacedLane {
  owner: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Layout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  lanes: PlacedLane[];
  start: Point;
  /** Where the top level's terminal states lead; undefined when none ends. */
  end: Point | undefined;
}

export const NODE_H = 34;
const GROUP_HEADER = 28;
const GROUP_PAD = 14;
const LANE_GAP = 16;
const MARKER = 16;
const RANK_SEP = 34;
export const START = '\u0000start';
export const END = '\u0000end';

/** A leaf state's width: room for its name, within bounds (longer names are cut with an ellipsis). */
export function nodeWidth(name: string): number {
  return Math.min(300, Math.max(110, Math.round(name.length * 7.4) + 30));
}

interface Laid {
  w: number;
  h: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  lanes: PlacedLane[];
  start: Point;
  end: Point | undefined;
}

const shift = (p: Point, dx: number, dy: number): Point => ({ x: p.x + dx, y: p.y + dy });

function moveAll(laid: Laid, dx: number, dy: number, depth: number, into: Laid): void {
  for (const n of laid.nodes) into.nodes.push({ ...n, x: n.x + dx, y: n.y + dy, depth: n.depth + depth });
  for (const e of laid.edges) into.edges.push({ ...e, points: e.points.map((p) => shift(p, dx, dy)) });
  for (const l of laid.lanes) into.lanes.push({ ...l, x: l.x + dx, y: l.y + dy });
}

/** A group's inside: its branches side by side (a Map has one), each in a lane. */
function layoutGroup(node: StateNode): { w: number; h: number; inner: Laid } {
  const branches = node.branches.map((b) => layoutLevel(b, false));
  const inner: Laid = { w: 0, h: 0, nodes: [], edges: [], lanes: [], start: { x: 0, y: 0 }, end: undefined };
  let x = GROUP_PAD;
  let tallest = 0;
  for (const b of branches) tallest = Math.max(tallest, b.h);
  for (const b of branches) {
    const laneW = b.w + 2 * GROUP_PAD;
    inner.lanes.push({ owner: node.name, x, y: GROUP_HEADER, w: laneW, h: tallest + 2 * GROUP_PAD });
    moveAll(b, x + GROUP_PAD, GROUP_HEADER + GROUP_PAD, 1, inner);
    x += laneW + LANE_GAP;
  }
  const w = Math.max(nodeWidth(node.name) + 40, x - LANE_GAP + GROUP_PAD);
  const h = GROUP_HEADER + tallest + 2 * GROUP_PAD + GROUP_PAD;
  return { w, h, inner };
}

type DagreGraph = InstanceType<typeof dagre.graphlib.Graph>;

/**
 * Orders each rank for dagre in linear time, in place of its crossing minimisation (which
 * rebuilds a graph per rank per sweep and dominated a 500-state layout): a depth-first pass
 * from the sources gives a first order, then one sweep down and one up sort each rank by the
 * mean position of its neighbours in the rank before.
 */
export function quickOrder(g: DagreGraph): void {
  const ranks: string[][] = [];
  const label = (v: string) => g.node(v) as unknown as { rank: number; order: number };
  const seen = new Set<string>();
  const visit = (start: string) => {
    const stack = [start];
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (seen.has(v)) continue;
      seen.add(v);
      const r = label(v).rank;
      (ranks[r] ??= []).push(v);
      const next = g.successors(v) ?? [];
      for (let i = next.length - 1; i >= 0; i--) if (!seen.has(next[i]!)) stack.push(next[i]!);
    }
  };
  const nodes = g.nodes().sort((a, b) => label(a).rank - label(b).rank);
  for (const v of nodes) visit(v);
  const number = (layer: string[] | undefined) => layer?.forEach((v, i) => (label(v).order = i));
  ranks.forEach(number);
  const sweep = (layer: string[] | undefined, neighbours: (v: string) => string[] | undefined) => {
    if (!layer) return;
    const key = new Map<string, number>();
    for (const v of layer) {
      const ns = neighbours(v) ?? [];
      key.set(v, ns.length === 0 ? label(v).order : ns.reduce((sum, n) => sum + label(n).order, 0) / ns.length);
    }
    layer.sort((a, b) => key.get(a)! - key.get(b)!);
    number(layer);
  };
  for (let r = 1; r < ranks.length; r++) sweep(ranks[r], (v) => g.predecessors(v));
  for (let r = ranks.length - 2; r >= 0; r--) sweep(ranks[r], (v) => g.successors(v));
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Where the segment from the box's centre toward `p` leaves the box. */
function clip(box: Box, p: Point): Point {
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const dx = p.x - cx;
  const dy = p.y - cy;
  if (dx === 0 && dy === 0) return { x: cx, y: cy };
  const sx = dx === 0 ? Infinity : box.w / 2 / Math.abs(dx);
  const sy = dy === 0 ? Infinity : box.h / 2 / Math.abs(dy);
  const s = Math.min(sx, sy);
  return { x: cx + dx * s, y: cy + dy * s };
}

interface LevelEdge {
  from: string;
  to: string;
  kind: EdgeKind;
}

/**
 * One level of a graph. Runs of states that can only follow one another (the one way out of
 * each is the one way into the next) become one tall node for dagre and are stacked by hand
 * afterwards: most states of real definitions sit in such runs, and dagre's cost grows faster
 * than linearly with the node count. A level that is one run needs no dagre at all.
 */
function layoutLevel(graph: StateGraph, top: boolean): Laid {
  const size = new Map<string, { w: number; h: number }>();
  const groups = new Map<string, { w: number; h: number; inner: Laid }>();
  for (const n of graph.nodes) {
    if (n.branches.length > 0) {
      const laid = layoutGroup(n);
      groups.set(n.name, laid);
      size.set(n.name, { w: laid.w, h: laid.h });
    } else {
      size.set(n.name, { w: nodeWidth(n.name), h: NODE_H });
    }
  }
  const edges: LevelEdge[] = [...graph.edges];
  if (top) {
    size.set(START, { w: MARKER, h: MARKER });
    if (size.has(graph.startAt)) edges.push({ from: START, to: graph.startAt, kind: 'next' });
    const terminals = graph.nodes.filter((n) => n.terminal);
    if (terminals.length > 0) {
      size.set(END, { w: MARKER, h: MARKER });
      for (const n of terminals) edges.push({ from: n.name, to: END, kind: 'next' });
    }
  }
  const outs = new Map<string, LevelEdge[]>();
  const ins = new Map<string, LevelEdge[]>();
  for (const v of size.keys()) {
    outs.set(v, []);
    ins.set(v, []);
  }
  for (const e of edges) {
    outs.get(e.from)!.push(e);
    ins.get(e.to)!.push(e);
  }
  const marker = (v: string) => v === START || v === END;
  const links = (v: string): string | undefined => {
    const o = outs.get(v)!;
    if (o.length !== 1 || marker(v)) return undefined;
    const w = o[0]!.to;
    return w !== v && !marker(w) && ins.get(w)!.length === 1 ? w : undefined;
  };
  // Runs, each named by its head; a state whose one way in is a link belongs to its predecessor's run.
  const linked = new Set<string>();
  for (const v of size.keys()) {
    const w = links(v);
    if (w !== undefined) linked.add(w);
  }
  const runOf = new Map<string, string>();
  const runs = new Map<string, string[]>();
  for (const v of size.keys()) {
    if (linked.has(v)) continue;
    const run = [v];
    runOf.set(v, v);
    for (let w = links(v); w !== undefined && !runOf.has(w); w = links(w)) {
      run.push(w);
      runOf.set(w, v);
    }
    runs.set(v, run);
  }
  // States on a cycle of links alone have no head: each stands as its own run.
  for (const v of size.keys()) {
    if (!runOf.has(v)) {
      runOf.set(v, v);
      runs.set(v, [v]);
    }
  }
  const runSize = new Map<string, { w: number; h: number }>();
  for (const [head, run] of runs) {
    let w = 0;
    let h = -RANK_SEP;
    for (const v of run) {
      const s = size.get(v)!;
      w = Math.max(w, s.w);
      h += s.h + RANK_SEP;
    }
    runSize.set(head, { w, h });
  }
  const outer = edges.filter((e) => !(runOf.get(e.from) === runOf.get(e.to) && links(e.from) === e.to));
  const centre = new Map<string, Point>();
  let routed: DagreGraph | undefined;
  if (runs.size === 1) {
    const [head] = runs.keys();
    const s = runSize.get(head!)!;
    centre.set(head!, { x: s.w / 2, y: s.h / 2 });
  } else {
    const g = new dagre.graphlib.Graph({ multigraph: true });
    g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: RANK_SEP, edgesep: 12, marginx: 0, marginy: 0 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const [head, s] of runSize) g.setNode(head, { width: s.w, height: s.h });
    outer.forEach((e, i) => g.setEdge(runOf.get(e.from)!, runOf.get(e.to)!, { weight: e.kind === 'catch' ? 1 : 2 }, String(i)));
    dagre.layout(g, { customOrder: quickOrder });
    for (const head of runs.keys()) {
      const p = g.node(head);
      centre.set(head, { x: p.x, y: p.y });
    }
    routed = g;
  }
  const box = new Map<string, Box>();
  for (const [head, run] of runs) {
    const c = centre.get(head)!;
    let y = c.y - runSize.get(head)!.h / 2;
    for (const v of run) {
      const s = size.get(v)!;
      box.set(v, { x: c.x - s.w / 2, y, w: s.w, h: s.h });
      y += s.h + RANK_SEP;
    }
  }
  const out: Laid = { w: 0, h: 0, nodes: [], edges: [], lanes: [], start: { x: 0, y: 0 }, end: undefined };
  let maxX = 0;
  let maxY = 0;
  for (const b of box.values()) {
    maxX = Math.max(maxX, b.x + b.w);
    maxY = Math.max(maxY, b.y + b.h);
  }
  for (const n of graph.nodes) {
    const b = box.get(n.name)!;
    const group = groups.get(n.name);
    out.nodes.push({ name: n.name, type: n.type, x: b.x, y: b.y, w: b.w, h: b.h, group: group !== undefined, distributed: n.distributed, depth: 0 });
    if (group) moveAll(group.inner, b.x, b.y, 1, out);
  }
  const outerIndex = new Map(outer.map((e, i) => [e, i]));
  for (const e of edges) {
    const from = box.get(e.from)!;
    const to = box.get(e.to)!;
    const i = outerIndex.get(e);
    if (i === undefined) {
      const x = from.x + from.w / 2;
      out.edges.push({ from: e.from, to: e.to, kind: e.kind, points: [{ x, y: from.y + from.h }, { x, y: to.y }] });
      continue;
    }
    const label = routed?.edge(runOf.get(e.from)!, runOf.get(e.to)!, String(i)) as { points?: Point[] } | undefined;
    const bends = (label?.points ?? []).slice(1, -1).map((p) => ({ x: p.x, y: p.y }));
    const first = bends[0] ?? { x: to.x + to.w / 2, y: to.y + to.h / 2 };
    const last = bends[bends.length - 1] ?? { x: from.x + from.w / 2, y: from.y + from.h / 2 };
    out.edges.push({ from: e.from, to: e.to, kind: e.kind, points: [clip(from, first), ...bends, clip(to, last)] });
  }
  if (top) {
    const s = box.get(START)!;
    out.start = { x: s.x + s.w / 2, y: s.y + s.h / 2 };
    const en = box.get(END);
    if (en) out.end = { x: en.x + en.w / 2, y: en.y + en.h / 2 };
  }
  out.w = maxX;
  out.h = maxY;
  return out;
}

/** Lays out a whole definition graph, with Start and End markers, margins included. */
export function layoutGraph(graph: StateGraph, margin = 20): Layout {
  const laid = layoutLevel(graph, true);
  const out: Laid = { w: 0, h: 0, nodes: [], edges: [], lanes: [], start: shift(laid.start, margin, margin), end: laid.end && shift(laid.end, margin, margin) };
  moveAll(laid, margin, margin, 0, out);
  return { width: laid.w + 2 * margin, height: laid.h + 2 * margin, nodes: out.nodes, edges: out.edges, lanes: out.lanes, start: out.start, end: out.end };
}
