/**
 * Graph rules of one container: StartAt and every Next/Default/Catch Next name a state of the same
 * container; some state ends the workflow; every state is reachable from StartAt.
 */
import { at, isObject, type Diagnostics, type JsonObject } from './diagnostics.js';
import type { Scope } from './context.js';

interface Edge {
  target: string;
  location: string;
}

/** Transitions out of a state, with where each is written. */
export function transitions(state: JsonObject, location: string): Edge[] {
  const edges: Edge[] = [];
  if (typeof state['Next'] === 'string') edges.push({ target: state['Next'], location: at(location, 'Next') });
  if (Array.isArray(state['Choices'])) {
    state['Choices'].forEach((rule: unknown, i) => {
      if (isObject(rule) && typeof rule['Next'] === 'string') edges.push({ target: rule['Next'], location: at(at(at(location, 'Choices'), i), 'Next') });
    });
  }
  if (typeof state['Default'] === 'string') edges.push({ target: state['Default'], location: at(location, 'Default') });
  if (Array.isArray(state['Catch'])) {
    state['Catch'].forEach((catcher: unknown, i) => {
      if (isObject(catcher) && typeof catcher['Next'] === 'string') edges.push({ target: catcher['Next'], location: at(at(at(location, 'Catch'), i), 'Next') });
    });
  }
  return edges;
}

function isTerminal(state: unknown): boolean {
  return isObject(state) && (state['End'] === true || state['Type'] === 'Succeed' || state['Type'] === 'Fail');
}

export function checkGraph(d: Diagnostics, scope: Scope): void {
  const { states, startAt, location } = scope;
  const statesLocation = at(location, 'States');
  const missing = (target: string, where: string) => d.error('MISSING_TRANSITION_TARGET', `Missing 'Next' target: ${target}`, where);
  if (!(startAt in states)) missing(startAt, at(location, 'StartAt'));
  for (const [name, state] of Object.entries(states)) {
    if (!isObject(state)) continue;
    for (const edge of transitions(state, at(statesLocation, name))) {
      if (!(edge.target in states)) missing(edge.target, edge.location);
    }
  }
  // No terminal state at all is reported alone: reachability is meaningless then.
  if (!Object.values(states).some(isTerminal)) return d.error('MISSING_END_STATE', 'Workflow has no terminal state');
  const reached = new Set<string>();
  const queue = startAt in states ? [startAt] : [];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (reached.has(name)) continue;
    reached.add(name);
    const state = states[name];
    if (isObject(state)) for (const edge of transitions(state, '')) if (edge.target in states) queue.push(edge.target);
  }
  for (const name of Object.keys(states)) {
    if (!reached.has(name)) d.error('MISSING_TRANSITION_TARGET', `State "${name}" is not reachable.`, at(statesLocation, name));
  }
}
