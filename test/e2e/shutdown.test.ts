import { CreateActivityCommand, CreateStateMachineCommand, GetActivityTaskCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startApiProcess, startWorkerProcess } from '../support/processes.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { client, ROLE_ARN, uniqueName, waitForEnd } from '../support/sfn.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

test('SIGTERM releases long polls and exits cleanly; executions continue on the next processes', async () => {
  const api = await startApiProcess(redis.url);
  const worker = await startWorkerProcess(redis.url);
  const sfn = client(api.endpoint);
  const activity = await sfn.send(new CreateActivityCommand({ name: uniqueName('shutdown') }));
  const sm = await sfn.send(
    new CreateStateMachineCommand({
      name: uniqueName('shutdown'),
      definition: JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 2, Next: 'P' }, P: { Type: 'Pass', End: true } } }),
      roleArn: ROLE_ARN,
    }),
  );
  const execution = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn }));

  // A poll held open by the api answers empty as soon as the api is asked to stop.
  const poll = sfn.send(new GetActivityTaskCommand({ activityArn: activity.activityArn }));
  await new Promise((r) => setTimeout(r, 300));
  const stopping = Date.now();
  const exited = new Promise<number | null>((resolve) => api.child.once('exit', (code) => resolve(code)));
  api.child.kill('SIGTERM');
  expect((await poll).taskToken).toBeUndefined();
  expect(await exited).toBe(0);
  expect(Date.now() - stopping).toBeLessThan(15_000);

  const workerExit = new Promise<number | null>((resolve) => worker.child.once('exit', (code) => resolve(code)));
  worker.child.kill('SIGTERM');
  expect(await workerExit).toBe(0);
  sfn.destroy();

  // New processes pick the execution up where it stands: its Wait timer lives in Redis.
  const api2 = await startApiProcess(redis.url);
  const worker2 = await startWorkerProcess(redis.url);
  const sfn2 = client(api2.endpoint);
  try {
    expect((await waitForEnd(sfn2, execution.executionArn!)).status).toBe('SUCCEEDED');
  } finally {
    sfn2.destroy();
    await Promise.all([api2.kill(), worker2.kill()]);
  }
});
