import { CreateStateMachineCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApiProcess, startWorkerProcess, type AppProcess } from '../support/processes.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { client, ROLE_ARN, uniqueName } from '../support/sfn.js';

/** Real Redis, api and worker processes sharing integration settings from the environment. */
export async function startIntegrationCluster(env: Record<string, string>) {
  const redis: TestRedis = await startTestRedis();
  const api = await startApiProcess(redis.url, env);
  let worker: AppProcess;
  try {
    worker = await startWorkerProcess(redis.url, env);
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
