/**
 * The layout of a definition, computed in a Web Worker (assets/layout-worker.js); where no
 * worker can start, on the page's thread instead.
 */
import { useEffect, useState } from 'preact/hooks';
import { layoutGraph, type Layout } from './layout.js';
import { definitionGraph } from './model.js';

type Answer = { id: number; layout: Layout } | { id: number; error: string };

let worker: Worker | null | undefined;
let nextId = 0;
const waiting = new Map<number, (a: Answer) => void>();

function layoutWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker = new Worker('/console/assets/layout-worker.js');
    worker.onmessage = (e: MessageEvent<Answer>) => {
      waiting.get(e.data.id)?.(e.data);
      waiting.delete(e.data.id);
    };
    worker.onerror = () => {
      // A worker that cannot load: answer everyone on the page's thread from now on.
      worker = null;
      for (const [id, done] of waiting) done({ id, error: 'worker' });
      waiting.clear();
    };
  } catch {
    worker = null;
  }
  return worker;
}

function layOutHere(definition: string): Layout {
  return layoutGraph(definitionGraph(definition));
}

export function layOut(definition: string): Promise<Layout> {
  const w = layoutWorker();
  if (!w) return Promise.resolve().then(() => layOutHere(definition));
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    waiting.set(id, (a) => {
      if ('layout' in a) resolve(a.layout);
      else if (a.error === 'worker') resolve(layOutHere(definition));
      else reject(new Error(a.error));
    });
    w.postMessage({ id, definition });
  });
}

export function useLayout(definition: string | undefined): { layout?: Layout; error?: Error } {
  const [state, setState] = useState<{ for?: string; layout?: Layout; error?: Error }>({});
  useEffect(() => {
    if (definition === undefined) return;
    let live = true;
    layOut(definition).then(
      (layout) => live && setState({ for: definition, layout }),
      (error: unknown) => live && setState({ for: definition, error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      live = false;
    };
  }, [definition]);
  return state.for === definition ? { layout: state.layout, error: state.error } : {};
}
