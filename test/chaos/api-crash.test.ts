import { CreateStateMachineCommand, DescribeExecutionCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, test } from 'vitest';
import { startApiProcess, startWorkerProcess, type AppProcess } from '../support/processes.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { client, history, ROLE_ARN, uniqueName, waitForEnd } from '../support/sfn.js';

const STARTS = 300;
const CALLERS = 16;
const KILL_AFTER = 20;

let redis: TestRedis | undefined;
const processes: AppProcess[] = [];
const clients: SFNClient[] = [];

afterAll(async () => {
  for (const c of clients) c.destroy();
  await Promise.all(processes.map((p) => p.kill()));
  await redis?.stop();
});

test('an api process SIGKILLed in the middle of StartExecution calls loses no execution and leaves none half-made', async () => {
  redis = await startTestRedis();
  const first = await startApiProcess(redis.url);
  processes.push(first, await startWorkerProcess(redis.url));
  const sfn = client(first.endpoint);
  clients.push(sfn);
  const definition = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Pause' }, Pause: { Type: 'Wait', Seconds: 1, Next: 'B' }, B: { Type: 'Pass', End: true } } };
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: uniqueName('api-crash'), definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
  const arnOf = (i: number) => stateMachineArn!.replace(':stateMachine:', ':execution:') + `:e${i}`;

  // Callers start named executions back to back; the api dies under them.
  const answered = new Set<number>();
  let next = 0;
  const callers = Array.from({ length: CALLERS }, async () => {
    while (next < STARTS) {
      const i = next++;
      try {
        await sfn.send(new StartExecutionCommand({ stateMachineArn, name: `e${i}`, input: JSON.stringify({ i }) }));
        answered.add(i);
      } catch {
        // The connection died with the api: the caller cannot know whether it started.
      }
    }
  });
  // Kill it once some calls were answered (not after a fixed time, which a loaded machine can
  // spend before the first answer).
  while (answered.size < KILL_AFTER && next < STARTS) await sleep(5);
  await first.kill('SIGKILL');
  await Promise.all(callers);
  expect(answered.size).toBeGreaterThan(0);
  expect(answered.size).toBeLessThan(STARTS);

  const second = await startApiProcess(redis.url);
  processes.push(second);
  const again = client(second.endpoint);
  clients.push(again);
  for (let i = 0; i < STARTS; i++) {
    if (!answered.has(i)) {
      // A caller retries what got no answer: the same name and input start it, or find it.
      const retried = await again
        .send(new StartExecutionCommand({ stateMachineArn, name: `e${i}`, input: JSON.stringify({ i }) }))
        .then(() => 'started', (e: Error) => e.name);
      expect(['started', 'ExecutionAlreadyExists'], `e${i}`).toContain(retried);
    }
  }
  for (let i = 0; i < STARTS; i++) {
    const done = await waitForEnd(again, arnOf(i), 60_000);
    expect(done.status, `e${i}`).toBe('SUCCEEDED');
    expect(JSON.parse(done.input!)).toEqual({ i });
    const events = await history(again, arnOf(i));
    expect(events.map((e) => e.id)).toEqual(events.map((_, k) => k + 1));
    expect(events.filter((e) => e.type === 'ExecutionStarted')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'ExecutionSucceeded')).toHaveLength(1);
  }
  const described = await again.send(new DescribeExecutionCommand({ executionArn: arnOf(0) }));
  expect(described.stateMachineArn).toBe(stateMachineArn);
}, 180_000);
