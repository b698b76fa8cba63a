import express from 'express';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { consoleRoutes } from './console.js';

let dir: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'redstep-console-routes-'));
  mkdirSync(join(dir, 'built', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'built', 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir, 'built', 'assets', 'app.js'), 'console.log(1)');
  const app = express();
  app.use('/built', consoleRoutes(join(dir, 'built')));
  app.use('/missing', consoleRoutes(join(dir, 'nothing')));
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('consoleRoutes', () => {
  test('serves index.html for the console and every deep route, the assets as files', async () => {
    for (const path of ['/console/', '/console/executions/arn:aws:states:us-east-1:123456789012:execution:m:e', '/console/state-machines/x']) {
      const res = await fetch(`${base}/built${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(await res.text()).toContain('<title>console</title>');
    }
    const js = await fetch(`${base}/built/console/assets/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${base}/built/console/assets/other.js`)).status).toBe(404);
  });

  test('GET / and /console move to /console/', async () => {
    const root = await fetch(`${base}/built/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
    const bare = await fetch(`${base}/built/console`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
  });

  test('an unbuilt console says how to build it', async () => {
    const res = await fetch(`${base}/missing/console/`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('npm run build');
  });
});
