import { createServer, type Server } from 'node:http';
import { renderMetrics, type RedisHandle } from '@redstep/store';
import type { RunningWorker } from './worker.js';

/** The worker's own listener: /healthz (process alive), /readyz (Redis answers and the worker runs), /metrics. */
export async function startHealthServer(port: number, handle: RedisHandle, worker: RunningWorker): Promise<Server> {
  const server = createServer(async (req, res) => {
    if (req.url === '/healthz') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    if (req.url === '/readyz') {
      let ok = worker.running();
      if (ok) ok = await handle.redis.ping().then(() => true, () => false);
      return void res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'ok' : 'not ready' }));
    }
    if (req.url === '/metrics') {
      const { contentType, body } = await renderMetrics();
      return void res.writeHead(200, { 'content-type': contentType }).end(body);
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, resolve));
  return server;
}
