import { createServer, type Server } from 'node:http';
import { redisAnswers, renderMetrics, type RedisHandle } from '@redstep/store';
import type { RunningWorker } from './worker.js';

/** The worker's own listener: /healthz (process alive), /readyz (Redis answers and the worker runs), /metrics. */
export async function startHealthServer(port: number, handle: RedisHandle, worker: RunningWorker): Promise<Server> {
  const server = createServer((req, res) => {
    // Any failure answers 500; it must never become an unhandled rejection (a crash).
    answer(req.url, handle, worker).then(
      ({ status, type, body }) => res.writeHead(status, { 'content-type': type }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, resolve));
  return server;
}

async function answer(url: string | undefined, handle: RedisHandle, worker: RunningWorker): Promise<{ status: number; type: string; body: string }> {
  const json = (status: number, value: unknown) => ({ status, type: 'application/json', body: JSON.stringify(value) });
  if (url === '/healthz') return json(200, { status: 'ok' });
  if (url === '/readyz') {
    const ok = worker.running() && (await redisAnswers(handle.redis));
    return json(ok ? 200 : 503, { status: ok ? 'ok' : 'not ready' });
  }
  if (url === '/metrics') {
    const { contentType, body } = await renderMetrics();
    return { status: 200, type: contentType, body };
  }
  return { status: 404, type: 'text/plain', body: '' };
}
