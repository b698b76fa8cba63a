import { CreateStateMachineCommand, StartExecutionCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApiProcess, startWorkerProcess, type AppProcess } from '../support/processes.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { client, ROLE_ARN, uniqueName } from '../support/sfn.js';

/** Real Redis, api and worker processes sharing integration settings from the environment. */
export async function startIntegrationCluster(env: Record<string, string>) {
  const redis: TestRedis = await startTestRedis();
  const api = await startApiProcess(redis.url, { ...redis.env, ...env });
  let worker: AppProcess;
  try {
    worker = await startWorkerProcess(redis.url, { ...redis.env, ...env });
  } catch (e) {
    await api.kill();
    await redis.stop();
    throw e;
  }
  const sfn = client(api.endpoint);
  return {
    sfn,
    api,
    worker,
    redisUrl: redis.url,
    redisTarget: redis.target,
    async stop() {
      sfn.destroy();
      await Promise.all([api.kill(), worker.kill()]);
      await redis.stop();
    },
  };
}

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local HTTP peer: every request is recorded, then answered by the handler. */
export async function startPeer(handler: (req: Received, res: ServerResponse) => void | Promise<void>) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const r = { method: req.method!, url: req.url!, headers: req.headers, body };
      received.push(r);
      void Promise.resolve(handler(r, res)).catch((e) => {
        res.statusCode = 599;
        res.end(String(e));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export async function createMachine(sfn: SFNClient, definition: object, name = uniqueName('int-sm')): Promise<string> {
  const out = await sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
  return out.stateMachineArn!;
}

export async function start(sfn: SFNClient, stateMachineArn: string, input: unknown = {}): Promise<string> {
  return (await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }))).executionArn!;
}

/** One object of the fake S3. */
export interface FakeObject {
  body: string;
  /** The bytes of an object put as bytes (compressed, Parquet); `body` is then their latin1 text. */
  raw?: Buffer;
  lastModified: Date;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The payload of an `aws-chunked` body (`<hex size>;chunk-signature=...\r\n<data>\r\n` ... `0\r\n` trailers). */
function dechunk(body: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', at);
    const size = parseInt(body.slice(at, eol).split(';')[0]!, 16);
    if (!size) return out;
    out += body.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

/**
 * A local S3 peer, path-style, with just GetObject, ListObjectsV2 (two keys a page, so listing
 * follows continuation tokens) and PutObject; objects live in `objects` by `<bucket>/<key>`.
 */
export async function startFakeS3() {
  const objects = new Map<string, FakeObject>();
  const error = (res: ServerResponse, status: number, code: string, message: string) => {
    res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': 's3-req' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message><RequestId>s3-req</RequestId></Error>`);
  };
  const peer = await startPeer((req, res) => {
    const url = new URL(req.url, 'http://s3.local');
    const [bucket, ...rest] = url.pathname.slice(1).split('/');
    const key = decodeURIComponent(rest.join('/'));
    const id = `${bucket}/${key}`;
    if (req.method === 'PUT' && key) {
      const chunked = String(req.headers['content-encoding'] ?? '').includes('aws-chunked');
      objects.set(id, { body: chunked ? dechunk(req.body) : req.body, lastModified: new Date() });
      res.writeHead(200, { etag: '"put"', 'x-amz-request-id': 's3-req' });
      return res.end();
    }
    if (req.method === 'GET' && key) {
      const o = objects.get(id);
      if (!o) return error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'last-modified': o.lastModified.toUTCString(), 'x-amz-request-id': 's3-req' });
      return res.end(o.raw ?? o.body);
    }
    if (req.method === 'GET' && url.searchParams.get('list-type') === '2') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const all = [...objects.keys()].filter((k) => k.startsWith(`${bucket}/${prefix}`)).sort();
      const from = Number(url.searchParams.get('continuation-token') ?? '0');
      const page = all.slice(from, from + 2);
      const truncated = from + 2 < all.length;
      const contents = page
        .map((k) => {
          const o = objects.get(k)!;
          const etag = `"${createHash('md5').update(o.raw ?? o.body).digest('hex')}"`;
          return `<Contents><Key>${xmlEscape(k.slice(bucket!.length + 1))}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${xmlEscape(etag)}</ETag><Size>${o.raw?.length ?? Buffer.byteLength(o.body)}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
        })
        .join('');
      res.writeHead(200, { 'content-type': 'application/xml', 'x-amz-request-id': 's3-req' });
      return res.end(
        `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextContinuationToken>${from + 2}</NextContinuationToken>` : ''}${contents}</ListBucketResult>`,
      );
    }
    return error(res, 400, 'NotImplemented', `${req.method} ${req.url} is not implemented by the fake S3`);
  });
  const lastModified = new Date('2024-05-01T10:00:00Z');
  const put = (bucket: string, key: string, body: string | Uint8Array) =>
    objects.set(`${bucket}/${key}`, typeof body === 'string' ? { body, lastModified } : { body: Buffer.from(body).toString('latin1'), raw: Buffer.from(body), lastModified });
  return { ...peer, objects, put };
}

/** A history's event types in order, once its ids are checked to run 1..n (no event lost or written twice). */
export function eventTypes(events: HistoryEvent[]): string[] {
  events.forEach((e, i) => {
    if (e.id !== i + 1) throw new Error(`event ${i + 1} of the history has id ${e.id}`);
  });
  return events.map((e) => e.type!);
}
