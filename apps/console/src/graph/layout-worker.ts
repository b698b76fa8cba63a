/**
 * Lays definitions out off the page's thread: the page stays responsive (typing, scrolling,
 * the live updates) while a large graph is placed. Receives { id, definition }, answers
 * { id, layout } or { id, error }.
 */
import { layoutGraph } from './layout.js';
import { definitionGraph } from './model.js';

interface Scope {
  onmessage: ((e: MessageEvent<{ id: number; definition: string }>) => void) | null;
  postMessage(message: unknown): void;
}

const scope = self as unknown as Scope;
scope.onmessage = (e) => {
  const { id, definition } = e.data;
  try {
    scope.postMessage({ id, layout: layoutGraph(definitionGraph(definition)) });
  } catch (err) {
    scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
