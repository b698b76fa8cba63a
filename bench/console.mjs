#!/usr/bin/env node
// The web console's graph and event table at scale, timed in Chromium (Debian's, through
// playwright-core): a generated definition of --states states (default 500: runs of Task and
// Pass states, a Choice every 25, a Catch on every fifth, Parallel and Map states nested two
// deep) laid out and rendered as the execution page draws it, and a history of --events events
// (default 25,000: Map iterations) read, tabled and searched.
//
//   node bench/console.mjs [--states 500] [--events 25000] [--runs 7]
//
// Reports the median and the worst of --runs runs after one warm-up. Nothing is asserted.
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values: o } = parseArgs({ options: { states: { type: 'string', default: '500' }, events: { type: 'string', default: '25000' }, runs: { type: 'string', default: '7' } } });
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'redstep-console-bench-'));
try {
  await build({ entryPoints: [here('console-page.tsx')], bundle: true, format: 'iife', outfile: join(dir, 'bench.js'), jsx: 'automatic', jsxImportSource: 'preact', minify: true, logLevel: 'warning' });
  const css = readFileSync(here('../apps/console/src/style.css'), 'utf8');
  // Inline: Chromium runs no module script from a file:// page.
  const js = readFileSync(join(dir, 'bench.js'), 'utf8').replace(/<\/script/g, '<\\/script');
  writeFileSync(join(dir, 'index.html'), `<!doctype html><html><head><meta charset="utf-8"><style>${css}</style></head><body><div id="app"></div><script>${js}</script></body></html>`);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await page.goto(`file://${join(dir, 'index.html')}`);
  await page.waitForFunction(() => 'benchGraph' in window);
  const runs = Number(o.runs);
  const summarise = (rows, keys) => Object.fromEntries(keys.map((k) => {
    const v = rows.map((r) => r[k]).sort((a, b) => a - b);
    return [k, `median ${v[Math.floor(v.length / 2)].toFixed(0)} ms, worst ${v[v.length - 1].toFixed(0)} ms`];
  }));
  const graph = [];
  await page.evaluate((n) => window.benchGraph(n), Number(o.states));
  for (let i = 0; i < runs; i++) graph.push(await page.evaluate((n) => window.benchGraph(n), Number(o.states)));
  console.log(`graph: ${o.states} states, ${graph[0].nodes} state nodes drawn`);
  console.log(summarise(graph, ['layoutMs', 'renderMs', 'toFrameMs']));
  const table = [];
  await page.evaluate((n) => window.benchEvents(n), Number(o.events));
  for (let i = 0; i < runs; i++) table.push(await page.evaluate((n) => window.benchEvents(n), Number(o.events)));
  console.log(`events: ${table[0].events} events, ${table[0].iterations} Map iterations, ${table[0].rowsFound} row(s) found by the search`);
  console.log(summarise(table, ['readMs', 'renderMs', 'firstSearchMs', 'searchMs']));
  await browser.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
