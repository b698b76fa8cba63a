// Builds the console into dist/: index.html, assets/app.js, assets/layout-worker.js and
// assets/app.css, for the api to
// serve at /console/. Everything is bundled: no CDN, works offline.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const watch = process.argv.includes('--dev');

await rm(here('dist/assets'), { recursive: true, force: true });
await mkdir(here('dist/assets'), { recursive: true });
await build({
  entryPoints: { app: here('src/main.tsx'), 'layout-worker': here('src/graph/layout-worker.ts') },
  outdir: here('dist/assets'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome109', 'firefox115', 'safari16'],
  minify: !watch,
  sourcemap: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: false,
});
await copyFile(here('src/style.css'), here('dist/assets/app.css'));
await copyFile(here('src/index.html'), here('dist/index.html'));
