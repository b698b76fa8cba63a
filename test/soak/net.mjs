// Sockets for the soak: a free port, and a TCP proxy that delays every chunk.
import { connect, createServer } from 'node:net';

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A TCP proxy on a free port to 127.0.0.1:targetPort that holds every chunk `latencyMs` in each
 * direction (order kept: Node fires timers of one duration in the order they were set). An end
 * or a reset on one side reaches the other after the same delay, so a Redis SIGKILL looks to the
 * client as it would over a slower link. A refused upstream closes the client's connection.
 */
export async function startLatencyProxy(targetPort, latencyMs) {
  const sockets = new Set();
  const server = createServer({ noDelay: true }, (down) => {
    const up = connect({ port: targetPort, host: '127.0.0.1', noDelay: true });
    for (const s of [down, up]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    forward(down, up, latencyMs);
    forward(up, down, latencyMs);
  });
  server.on('error', () => {});
  const port = await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    connections: () => sockets.size / 2,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

function forward(src, dst, ms) {
  const later = (fn) => (ms > 0 ? setTimeout(fn, ms) : setImmediate(fn));
  src.on('data', (chunk) => later(() => {
    if (!dst.destroyed && dst.writable) dst.write(chunk);
  }));
  src.on('end', () => later(() => {
    if (!dst.destroyed) dst.end();
  }));
  src.on('close', () => later(() => {
    if (dst.destroyed) return;
    dst.end();
    // Whatever could not be flushed within a second goes with the connection.
    setTimeout(() => dst.destroy(), 1000).unref();
  }));
  src.on('error', () => {}); // ECONNRESET / ECONNREFUSED: 'close' follows
}
