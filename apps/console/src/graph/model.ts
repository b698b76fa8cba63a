/**
 * An ASL definition as a nested graph: one node per state, an edge per transition (Next, each
 * Choice rule, Default, each Catch), Parallel branches and the Map item processor as subgraphs.
 * Pure: no DOM, so the unit tests run it in node.
 */

export type EdgeKind = 'next' | 'choice' | 'default' | 'catch';

export interface StateNode {
  /** The state's name: unique in a whole state machine, so also the node's id. */
  name: string;
  type: string;
  /** The state's own definition, for the inspector. */
  def: Record<string, unknown>;
  /** Parallel: one subgraph per branch; Map: one (the item processor); others: none. */
  branches: StateGraph[];
  /** A Map whose iterations are child executions (Mode DISTRIBUTED). */
  distributed: boolean;
  terminal: boolean;
}

export interface StateEdge {
  from: string;
  to: string;
  kind: EdgeKind;
}

export interface StateGraph {
  startAt: string;
  nodes: StateNode[];
  edges: StateEdge[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The subgraph of a Map state: ItemProcessor, or the older Iterator. */
function mapProcessor(def: Json): Json | undefined {
  const p = def['ItemProcessor'] ?? def['Iterator'];
  return isObject(p) ? p : undefined;
}

/** Parses a definition (string or object) into its graph; throws on what is not a definition. */
export function definitionGraph(definition: string | Json): StateGraph {
  const root = typeof definition === 'string' ? (JSON.parse(definition) as unknown) : definition;
  if (!isObject(root)) throw new Error('a definition is a JSON object');
  return graphOf(root);
}

function graphOf(block: Json): StateGraph {
  const states = isObject(block['States']) ? block['States'] : {};
  const names = new Set(Object.keys(states));
  const nodes: StateNode[] = [];
  const edges: StateEdge[] = [];
  const link = (from: string, to: unknown, kind: EdgeKind) => {
    if (typeof to === 'string' && names.has(to) && !edges.some((e) => e.from === from && e.to === to)) edges.push({ from, to, kind });
  };
  for (const [name, raw] of Object.entries(states)) {
    const def = isObject(raw) ? raw : {};
    const type = typeof def['Type'] === 'string' ? def['Type'] : 'Unknown';
    const branches: StateGraph[] = [];
    let distributed = false;
    if (type === 'Parallel' && Array.isArray(def['Branches'])) {
      for (const b of def['Branches']) if (isObject(b)) branches.push(graphOf(b));
    } else if (type === 'Map') {
      const p = mapProcessor(def);
      if (p) {
        branches.push(graphOf(p));
        const config = p['ProcessorConfig'];
        distributed = isObject(config) && config['Mode'] === 'DISTRIBUTED';
      }
    }
    link(name, def['Next'], 'next');
    if (type === 'Choice') {
      if (Array.isArray(def['Choices'])) for (const c of def['Choices']) if (isObject(c)) link(name, c['Next'], 'choice');
      link(name, def['Default'], 'default');
    }
    if (Array.isArray(def['Catch'])) for (const c of def['Catch']) if (isObject(c)) link(name, c['Next'], 'catch');
    const terminal = def['End'] === true || type === 'Succeed' || type === 'Fail';
    nodes.push({ name, type, def, branches, distributed, terminal });
  }
  return { startAt: typeof block['StartAt'] === 'string' ? block['StartAt'] : '', nodes, edges };
}

/** Every state of a graph, nested ones included, by name. */
export function statesByName(graph: StateGraph, into = new Map<string, StateNode>()): Map<string, StateNode> {
  for (const n of graph.nodes) {
    into.set(n.name, n);
    for (const b of n.branches) statesByName(b, into);
  }
  return into;
}

/** The name of the Map state each nested state sits in (the innermost), for iteration scopes. */
export function enclosingMaps(graph: StateGraph, parentMap?: string, into = new Map<string, string | undefined>()): Map<string, string | undefined> {
  for (const n of graph.nodes) {
    into.set(n.name, parentMap);
    for (const b of n.branches) enclosingMaps(b, n.type === 'Map' ? n.name : parentMap, into);
  }
  return into;
}
