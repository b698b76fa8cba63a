import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { CONTENT_TYPE } from './protocol.js';

/** Descriptors kept back from client connections: Redis connections, the worker's in one-process mode, files. */
const RESERVED_FDS = 128;

/**
 * The process's open-file limit (Node raises the soft limit to the hard one at start), or
 * undefined where /proc does not say.
 */
export function openFileLimit(limits = '/proc/self/limits'): number | undefined {
  try {
    const line = readFileSync(limits, 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    const n = Number(soft);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** How many client connections to hold: the configured number, else what the open-file limit leaves. */
export function connectionLimit(configured: number | undefined, fdLimit: number | undefined): number {
  if (configured !== undefined) return configured;
  if (fdLimit === undefined) return Number.POSITIVE_INFINITY;
  return Math.max(16, fdLimit - RESERVED_FDS);
}

/**
 * Keeps the api serving when clients open more connections than it has descriptors for
 * (thousands of long polls): a connection past the limit has its requests answered 503,
 * which AWS clients retry, and is closed, instead of the process failing every accept (and
 * every Redis reconnect) with EMFILE. Returns the request filter: true when it answered.
 */
export function guardConnections(server: Server, limit: number, onAcceptError: (err: Error) => void): (req: IncomingMessage, res: ServerResponse) => boolean {
  const over = new WeakSet<Socket>();
  let open = 0;
  server.on('connection', (socket: Socket) => {
    open++;
    socket.once('close', () => open--);
    if (open > limit) over.add(socket);
  });
  // Accepting can still fail (descriptors used elsewhere): that connection is lost, the server goes on.
  server.on('error', onAcceptError);
  return (req, res) => {
    if (!over.has(req.socket)) return false;
    const body = JSON.stringify({ __type: 'ServiceUnavailable', message: `Too many open connections (${limit}); retry later` });
    res.writeHead(503, { 'content-type': CONTENT_TYPE, 'x-amzn-ErrorType': 'ServiceUnavailable', connection: 'close', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return true;
  };
}
