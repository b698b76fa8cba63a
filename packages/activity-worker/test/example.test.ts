// The example worker (examples/worker.mjs), run with node as a user would, against a real
// RedStep: it answers tasks, fails one with its error's name, and drains on SIGTERM.
import { CreateActivityCommand, CreateStateMachineCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { clusterFixture } from '../../../test/support/cluster.js';
import { ROLE_ARN, uniqueName, waitForEnd } from '../../../test/support/sfn.js';

const cluster = clusterFixture();
const root = fileURLToPath(new URL('../../../', import.meta.url));

test('the example worker answers tasks and, on SIGTERM, finishes the one in hand and exits', async () => {
  const { activityArn } = await cluster.sfn.send(new CreateActivityCommand({ name: uniqueName('greet') }));
  const definition = { StartAt: 'Greet', States: { Greet: { Type: 'Task', Resource: activityArn, HeartbeatSeconds: 3, End: true } } };
  const { stateMachineArn } = await cluster.sfn.send(
    new CreateStateMachineCommand({ name: uniqueName('greet-sm'), definition: JSON.stringify(definition), roleArn: ROLE_ARN }),
  );
  const start = async (input: object) => (await cluster.sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }))).executionArn!;

  const child = spawn(process.execPath, ['packages/activity-worker/examples/worker.mjs'], {
    cwd: root,
    env: {
      ...process.env,
      AWS_ENDPOINT_URL_SFN: cluster.api.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      ACTIVITY_ARN: activityArn,
      HEARTBEAT_SECONDS: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { event: string; metrics?: Record<string, unknown> });
  const count = (event: string) => lines().filter((l) => l.event === event).length;
  try {
    await expect.poll(() => count('started'), { timeout: 10_000 }).toBe(1);

    const greeted = await waitForEnd(cluster.sfn, await start({ who: 'world' }));
    expect(greeted.status).toBe('SUCCEEDED');
    expect(JSON.parse(greeted.output!)).toEqual({ greeting: 'Hello, world!' });

    const nameless = await waitForEnd(cluster.sfn, await start({ who: '' }));
    expect(nameless).toMatchObject({ status: 'FAILED', error: 'MissingName' });

    // A task that outlives its HeartbeatSeconds (the worker heartbeats it) is in hand at SIGTERM.
    const slow = await start({ who: 'slow', workMs: 4_000 });
    await expect.poll(() => count('taskStarted'), { timeout: 10_000 }).toBe(3);
    const t0 = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - t0).toBeGreaterThan(2_000);
    const d = await waitForEnd(cluster.sfn, slow);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual({ greeting: 'Hello, slow!' });
    const stopped = lines().find((l) => l.event === 'stopped');
    expect(stopped?.metrics).toMatchObject({ tasksSucceeded: 2, tasksFailed: 1, inFlight: 0, openPolls: 0 });
  } catch (e) {
    throw new Error(`${String(e)}\n--- example stdout:\n${out}\n--- stderr:\n${err}`, { cause: e });
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
