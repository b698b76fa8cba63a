import { CreateStateMachineCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { keys } from '@redstep/store';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startRedisServer, type LocalRedis } from '../../apps/standalone/src/redis-server.js';
import { startApiProcess, type AppProcess } from '../support/processes.js';
import { ROLE_ARN, client } from '../support/sfn.js';

/**
 * REDSTEP_DURABILITY=strict with a replica: StartExecution is answered only once the replica has
 * the write (WAIT), and refused (InternalFailure, which clients retry) when it cannot get there.
 */
describe('strict durability', () => {
  let dir: string;
  let primary: LocalRedis;
  let replica: LocalRedis;
  let api: AppProcess & { endpoint: string };
  let sfn: SFNClient;
  let replicaClient: Redis;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'redstep-strict-'));
    primary = await startRedisServer({ dir: join(dir, 'primary') });
    replica = await startRedisServer({ dir: join(dir, 'replica') });
    replicaClient = new Redis(replica.url);
    replicaClient.on('error', () => {}); // the replica is killed on purpose
    await replicaClient.replicaof('127.0.0.1', String(primary.port));
    for (let i = 0; i < 200 && !/master_link_status:up/.test(await replicaClient.info('replication')); i++) await sleep(50);
    api = await startApiProcess(primary.url, { REDSTEP_DURABILITY: 'strict' });
    sfn = client(api.endpoint);
  });

  afterAll(async () => {
    sfn?.destroy();
    replicaClient?.disconnect();
    await api?.kill();
    await replica?.stop();
    await primary?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an acknowledged StartExecution is on the replica already, and refused once no replica can take it', async () => {
    const sm = await sfn.send(new CreateStateMachineCommand({ name: 'strict', definition: JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }), roleArn: ROLE_ARN }));
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn, name: 'first' }));
    expect(started.executionArn).toMatch(/:execution:strict:first$/);
    // Read from the replica right after the answer: WAIT made the answer wait for it.
    expect(await replicaClient.hget(keys.execution('strict:first'), 'status')).toBe('RUNNING');

    await replica.process.kill('SIGKILL');
    // (The test client makes one attempt; the SDKs' default retries an InternalFailure.)
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn, name: 'second' }))).rejects.toMatchObject({ name: 'InternalFailure' });
  });
});
