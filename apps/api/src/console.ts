import express, { type Router } from 'express';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Where `npm run build` puts the console: apps/console/dist, beside this app's own dist. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../console/dist/', import.meta.url));

/**
 * The web console's static files at /console/, and index.html for every deeper path (the
 * console routes in the page: /console/executions/<arn> is a bookmark, not a file). Served
 * without a signature: the assets hold no data, and the console signs its own API calls.
 * `GET /` moves to /console/; `POST /` stays the AWS protocol (the server routes it first).
 */
export function consoleRoutes(dir: string = CONSOLE_DIR): Router {
  const router = express.Router();
  const index = join(dir, 'index.html');
  router.get('/', (_req, res) => res.redirect(302, '/console/'));
  router.use(
    '/console/assets',
    express.static(join(dir, 'assets'), { index: false, fallthrough: false, maxAge: '1h' }),
  );
  router.get(/^\/console(\/.*)?$/, (req, res) => {
    if (req.path === '/console') return res.redirect(301, '/console/');
    if (!existsSync(index)) {
      return res.status(404).type('text/plain').send('The console is not built: run `npm run build`.\n');
    }
    res.set('cache-control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
