// The page bench/console.mjs loads in Chromium: the console's own layout, graph, history reading
// and event table on generated data, timed in the browser.
import { render } from 'preact';
import { EventTable } from '../apps/console/src/components/EventTable.js';
import { Graph } from '../apps/console/src/graph/Graph.js';
import { layoutGraph } from '../apps/console/src/graph/layout.js';
import { definitionGraph } from '../apps/console/src/graph/model.js';
import { sampleDefinition } from '../apps/console/src/graph/sample.js';
import { readHistory } from '../apps/console/src/history/status.js';

const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));

async function benchGraph(states) {
  const root = document.getElementById('app');
  render(null, root);
  await frame();
  const definition = JSON.stringify(sampleDefinition(states));
  const t0 = performance.now();
  const graph = definitionGraph(definition);
  const layout = layoutGraph(graph);
  const t1 = performance.now();
  render(<Graph layout={layout} label="bench" statusOf={(n) => (n.length % 3 === 0 ? 'succeeded' : 'not-run')} />, root);
  root.getBoundingClientRect();
  void document.body.offsetHeight;
  const t2 = performance.now();
  await frame();
  const t3 = performance.now();
  return { states, nodes: root.querySelectorAll('[data-state-name]').length, layoutMs: t1 - t0, renderMs: t2 - t1, toFrameMs: t3 - t0 };
}

function history(n) {
  const events = [{ id: 1, type: 'ExecutionStarted', timestamp: 0, executionStartedEventDetails: { input: '{}' } }];
  events.push({ id: 2, type: 'MapStateEntered', timestamp: 0, stateEnteredEventDetails: { name: 'Each', input: '[]' } });
  events.push({ id: 3, type: 'MapStateStarted', timestamp: 0, mapStateStartedEventDetails: { length: Math.floor((n - 3) / 6) } });
  for (let i = 0; events.length + 6 <= n; i++) {
    const at = (type, extra = {}) => events.push({ id: events.length + 1, type, timestamp: i, ...extra });
    at('MapIterationStarted', { mapIterationStartedEventDetails: { name: 'Each', index: i } });
    at('TaskStateEntered', { stateEnteredEventDetails: { name: 'Work', input: `{"item":${i}}` } });
    at('TaskScheduled', { taskScheduledEventDetails: { resource: 'invoke', resourceType: 'lambda', parameters: `{"item":${i}}` } });
    at('TaskSucceeded', { taskSucceededEventDetails: { output: `{"done":${i}}` } });
    at('TaskStateExited', { stateExitedEventDetails: { name: 'Work', output: `{"done":${i}}` } });
    at('MapIterationSucceeded', { mapIterationSucceededEventDetails: { name: 'Each', index: i } });
  }
  return events;
}

async function benchEvents(n) {
  const root = document.getElementById('app');
  render(null, root);
  await frame();
  const events = history(n);
  const t0 = performance.now();
  const reading = readHistory(events, 'RUNNING');
  const t1 = performance.now();
  render(<EventTable events={events} />, root);
  void document.body.offsetHeight;
  const t2 = performance.now();
  await frame();
  const input = root.querySelector('input[type="search"]');
  const t3 = performance.now();
  input.value = 'item":1234}';
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await frame();
  await frame();
  const t4 = performance.now();
  const rows = root.querySelectorAll('tbody tr[data-event-type]').length;
  input.value = 'done":777}';
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await frame();
  await frame();
  const t5 = performance.now();
  return { events: events.length, iterations: reading.maps.get('|Each')?.iterations.size, readMs: t1 - t0, renderMs: t2 - t1, firstSearchMs: t4 - t3, searchMs: t5 - t4, rowsFound: rows };
}

Object.assign(window, { benchGraph, benchEvents });
