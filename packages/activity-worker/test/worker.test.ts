// End-to-end: the library against a real RedStep (a redis-server, an api and a worker process
// started by the shared test support), through @aws-sdk/client-sfn.
import { CreateActivityCommand, CreateStateMachineCommand, StartExecutionCommand, StopExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, test } from 'vitest';
import { clusterFixture } from '../../../test/support/cluster.js';
import { history, ROLE_ARN, uniqueName, waitForEnd } from '../../../test/support/sfn.js';
import { ActivityWorker, MAX_CAUSE_LENGTH, MAX_ERROR_LENGTH, SHUTDOWN_ERROR, type ActivityWorkerOptions, type PollErrorEvent } from '../src/index.js';

const cluster = clusterFixture();

const running: ActivityWorker<never, unknown>[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.stop()));
});

/** A worker on the cluster's client, without signal handlers (this is the test runner's process). */
function worker<I, O>(options: Omit<ActivityWorkerOptions<I, O>, 'client'>, warnings: string[] = []): ActivityWorker<I, O> {
  const w = new ActivityWorker<I, O>({ client: cluster.sfn, shutdownSignals: false, logger: { warn: (m) => warnings.push(m) }, ...options });
  running.push(w as unknown as ActivityWorker<never, unknown>);
  return w;
}

async function activity(): Promise<string> {
  return (await cluster.sfn.send(new CreateActivityCommand({ name: uniqueName('aw') }))).activityArn!;
}
async function machine(definition: object): Promise<string> {
  const out = await cluster.sfn.send(new CreateStateMachineCommand({ name: uniqueName('aw-sm'), definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
  return out.stateMachineArn!;
}
async function start(stateMachineArn: string, input: unknown): Promise<string> {
  return (await cluster.sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }))).executionArn!;
}
const task = (resource: string, extra: object = {}) => ({ StartAt: 'T', States: { T: { Type: 'Task', Resource: resource, End: true, ...extra } } });
const ofType = (events: HistoryEvent[], type: string) => events.filter((e) => e.type === type);

describe('ActivityWorker against RedStep', () => {
  test('processes tasks; typed outputs reach the executions; events and metrics follow', async () => {
    const arn = await activity();
    const sm = await machine(task(arn));
    const succeeded: number[] = [];
    const w = worker<{ a: number; b: number }, { sum: number }>({
      activityArn: arn,
      concurrency: 4,
      pollers: 2,
      handler: async ({ a, b }, { taskToken }) => {
        expect(taskToken).toMatch(/.+/);
        await sleep(20);
        return { sum: a + b };
      },
    });
    w.on('taskSucceeded', (e) => {
      expect(e.output.sum).toBeTypeOf('number');
      succeeded.push(e.durationMs);
    });
    let once = 0;
    w.once('taskSucceeded', () => (once += 1));
    w.start();
    const executions = await Promise.all(Array.from({ length: 8 }, (_, i) => start(sm, { a: i, b: 100 })));
    for (const [i, executionArn] of executions.entries()) {
      const d = await waitForEnd(cluster.sfn, executionArn);
      expect(d.status).toBe('SUCCEEDED');
      expect(JSON.parse(d.output!)).toEqual({ sum: i + 100 });
    }
    const started = ofType(await history(cluster.sfn, executions[0]!), 'ActivityStarted');
    expect(started[0]!.activityStartedEventDetails!.workerName).toBe(w.workerName);
    expect(succeeded).toHaveLength(8);
    expect(once).toBe(1);
    expect(succeeded.every((ms) => ms >= 20)).toBe(true);
    const m = w.metrics();
    expect(m).toMatchObject({ tasksStarted: 8, tasksSucceeded: 8, tasksFailed: 0, pollErrors: 0, inFlight: 0 });
    expect(m.polls).toBeGreaterThanOrEqual(8);
    expect(m.duration.count).toBe(8);
    expect(m.duration.minMs).toBeGreaterThanOrEqual(20);
    expect(m.duration.p50Ms).toBeLessThanOrEqual(m.duration.maxMs);
  });

  test("a thrown error becomes the Task's failure: its name is the error (caught by Catch), its message the cause", async () => {
    class PaymentDeclined extends Error {
      override name = 'PaymentDeclined';
    }
    const arn = await activity();
    const sm = await machine({
      StartAt: 'Charge',
      States: {
        Charge: { Type: 'Task', Resource: arn, Catch: [{ ErrorEquals: ['PaymentDeclined'], ResultPath: '$.failure', Next: 'Declined' }], End: true },
        Declined: { Type: 'Pass', End: true },
      },
    });
    const failed: { error: string; cause: string }[] = [];
    const w = worker<{ card: string }, never>({
      activityArn: arn,
      handler: async ({ card }) => {
        throw new PaymentDeclined(`card ${card} expired`);
      },
      hooks: { taskFailed: ({ error, cause }) => failed.push({ error, cause }) },
    }).start();
    const d = await waitForEnd(cluster.sfn, await start(sm, { card: '4242' }));
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual({ card: '4242', failure: { Error: 'PaymentDeclined', Cause: 'card 4242 expired' } });
    expect(failed).toEqual([{ error: 'PaymentDeclined', cause: 'card 4242 expired' }]);
    expect(w.metrics()).toMatchObject({ tasksFailed: 1, tasksSucceeded: 0 });
  });

  test('an over-long error name and message are cut to the API limits (256, 32768)', async () => {
    const arn = await activity();
    const sm = await machine(task(arn));
    worker({
      activityArn: arn,
      handler: async () => {
        const e = new Error('m'.repeat(40_000));
        e.name = 'E'.repeat(300);
        throw e;
      },
    }).start();
    const executionArn = await start(sm, {});
    const d = await waitForEnd(cluster.sfn, executionArn);
    expect(d.status).toBe('FAILED');
    const [failed] = ofType(await history(cluster.sfn, executionArn), 'ActivityFailed');
    expect(failed!.activityFailedEventDetails!.error).toBe('E'.repeat(MAX_ERROR_LENGTH));
    expect(failed!.activityFailedEventDetails!.cause).toBe('m'.repeat(MAX_CAUSE_LENGTH));
    expect(d.error).toBe('E'.repeat(MAX_ERROR_LENGTH));
  });

  test('automatic heartbeats keep a task alive past its HeartbeatSeconds; without them it times out', async () => {
    const arn = await activity();
    const sm = await machine(task(arn, { HeartbeatSeconds: 1, TimeoutSeconds: 60 }));
    const slow = async () => {
      await sleep(3_000);
      return { done: true };
    };
    const beating = worker({ activityArn: arn, heartbeatSeconds: 0.25, handler: slow }).start();
    const kept = await start(sm, {});
    expect((await waitForEnd(cluster.sfn, kept)).status).toBe('SUCCEEDED');
    expect(ofType(await history(cluster.sfn, kept), 'ActivitySucceeded')).toHaveLength(1);
    expect(beating.metrics().heartbeatsSent).toBeGreaterThanOrEqual(6);
    await beating.stop();

    // The control: the same task with no heartbeats is timed out after 1 s, and the worker's late
    // answer is told so.
    const timedOut: string[] = [];
    const silent = worker({ activityArn: arn, handler: slow, hooks: { taskTimedOut: ({ error }) => timedOut.push(error.name) } }).start();
    const lost = await start(sm, {});
    const d = await waitForEnd(cluster.sfn, lost);
    expect(d.status).toBe('FAILED');
    expect(d.error).toBe('States.HeartbeatTimeout');
    await expect.poll(() => timedOut, { timeout: 10_000 }).toEqual(['TaskTimedOut']);
    expect(silent.metrics()).toMatchObject({ tasksTimedOut: 1, tasksSucceeded: 0, inFlight: 0 });
  });

  test("a heartbeat answered TaskTimedOut aborts the handler's signal", async () => {
    const arn = await activity();
    const sm = await machine(task(arn, { TimeoutSeconds: 2 }));
    let reason: unknown;
    const w = worker({
      activityArn: arn,
      heartbeatSeconds: 0.3,
      handler: (_input, { signal }) =>
        new Promise((_resolve, reject) => {
          const giveUp = setTimeout(() => reject(new Error('never aborted')), 20_000);
          signal.addEventListener('abort', () => {
            clearTimeout(giveUp);
            reason = signal.reason;
            reject(signal.reason as Error);
          });
        }),
    }).start();
    const executionArn = await start(sm, {});
    const d = await waitForEnd(cluster.sfn, executionArn);
    expect(d.status).toBe('FAILED');
    expect(d.error).toBe('States.Timeout');
    await expect.poll(() => (reason as Error | undefined)?.name, { timeout: 10_000 }).toBe('TaskTimedOut');
    expect(w.metrics()).toMatchObject({ tasksTimedOut: 1, tasksFailed: 0, inFlight: 0 });
    expect(w.metrics().heartbeatErrors).toBeGreaterThanOrEqual(1);
  });

  test('stop() drains: the task in flight completes, open polls end and none follows', async () => {
    const arn = await activity();
    const sm = await machine(task(arn));
    const w = worker<{ n: number }, { n: number }>({
      activityArn: arn,
      concurrency: 4,
      pollers: 3,
      handler: async ({ n }) => {
        await sleep(1_500);
        return { n };
      },
    });
    const began = new Promise<void>((resolve) => w.once('taskStarted', () => resolve()));
    const order: string[] = [];
    w.on('taskSucceeded', () => order.push('answered'));
    w.start();
    const first = await start(sm, { n: 1 });
    await began;
    await expect.poll(() => w.metrics().openPolls).toBe(3);
    expect(w.metrics().inFlight).toBe(1);
    const t0 = Date.now();
    const stopping = w.stop();
    expect(w.state).toBe('stopping');
    await stopping;
    order.push('stopped');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_000);
    expect(w.state).toBe('stopped');
    // SendTaskSuccess was acknowledged before stop() resolved.
    expect(order).toEqual(['answered', 'stopped']);
    const d = await waitForEnd(cluster.sfn, first);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual({ n: 1 });
    const after = w.metrics();
    expect(after).toMatchObject({ inFlight: 0, openPolls: 0, tasksSucceeded: 1 });

    // Nothing polls any more: a new task is scheduled and stays unstarted.
    const second = await start(sm, { n: 2 });
    await sleep(2_000);
    const events = await history(cluster.sfn, second);
    expect(ofType(events, 'ActivityScheduled')).toHaveLength(1);
    expect(ofType(events, 'ActivityStarted')).toHaveLength(0);
    expect(w.metrics().polls).toBe(after.polls);
    await cluster.sfn.send(new StopExecutionCommand({ executionArn: second }));
  });

  test('stop() fails a task still running after the grace time and aborts its signal', async () => {
    const arn = await activity();
    const sm = await machine({
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: arn, Catch: [{ ErrorEquals: [SHUTDOWN_ERROR], Next: 'Requeue' }], End: true },
        Requeue: { Type: 'Pass', End: true },
      },
    });
    let reason: unknown;
    const w = worker({
      activityArn: arn,
      graceSeconds: 0.5,
      handler: (_input, { signal }) =>
        new Promise(() => {
          signal.addEventListener('abort', () => (reason = signal.reason)); // and never settles
        }),
    });
    const began = new Promise<void>((resolve) => w.once('taskStarted', () => resolve()));
    w.start();
    const executionArn = await start(sm, {});
    await began;
    const t0 = Date.now();
    await w.stop();
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(450);
    expect(took).toBeLessThan(5_000);
    expect((reason as Error).name).toBe(SHUTDOWN_ERROR);
    const d = await waitForEnd(cluster.sfn, executionArn);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toMatchObject({ Error: SHUTDOWN_ERROR });
    expect(w.metrics()).toMatchObject({ tasksFailed: 1, inFlight: 0 });
  });

  test('concurrency bounds the tasks held at once, however many pollers', async () => {
    const arn = await activity();
    const sm = await machine(task(arn));
    let now = 0;
    let peak = 0;
    let peakHeldOrPolling = 0;
    const w = worker<{ i: number }, { i: number }>({
      activityArn: arn,
      concurrency: 3,
      pollers: 5,
      handler: async ({ i }) => {
        now += 1;
        peak = Math.max(peak, now);
        const m = w.metrics();
        peakHeldOrPolling = Math.max(peakHeldOrPolling, m.inFlight + m.openPolls);
        await sleep(400);
        now -= 1;
        return { i };
      },
    }).start();
    const executions = await Promise.all(Array.from({ length: 10 }, (_, i) => start(sm, { i })));
    for (const [i, executionArn] of executions.entries()) {
      const d = await waitForEnd(cluster.sfn, executionArn);
      expect(d.status).toBe('SUCCEEDED');
      expect(JSON.parse(d.output!)).toEqual({ i });
    }
    expect(peak).toBe(3);
    expect(peakHeldOrPolling).toBeLessThanOrEqual(3);
    expect(w.metrics().tasksSucceeded).toBe(10);
  });

  test('poll errors back off exponentially with jitter (ActivityDoesNotExist) and are reported; polling resumes once the activity exists', async () => {
    const name = uniqueName('aw-later');
    const arn = `arn:aws:states:us-east-1:123456789012:activity:${name}`;
    const errors: PollErrorEvent[] = [];
    const warnings: string[] = [];
    const backoff = { initialMs: 100, maxMs: 800, multiplier: 2 };
    const w = worker(
      {
        activityArn: arn,
        pollers: 1,
        backoff,
        handler: async () => ({ ok: true }),
        hooks: { pollError: (e) => errors.push(e) },
      },
      warnings,
    ).start();
    await sleep(3_000);
    // Not a spin: about 0.75 s for the first four waits, then at least 0.4 s each.
    expect(errors.length).toBeGreaterThanOrEqual(4);
    expect(errors.length).toBeLessThanOrEqual(10);
    for (const [i, e] of errors.entries()) {
      expect(e.error.name).toBe('ActivityDoesNotExist');
      expect(e.attempt).toBe(i + 1);
      const step = Math.min(backoff.maxMs, backoff.initialMs * 2 ** i);
      expect(e.delayMs).toBeGreaterThanOrEqual(step / 2);
      expect(e.delayMs).toBeLessThanOrEqual(step);
    }
    expect(w.metrics().pollErrors).toBe(errors.length);
    expect(warnings.some((m) => m.includes('ActivityDoesNotExist'))).toBe(true);

    // Once the activity exists the next poll takes its task.
    await cluster.sfn.send(new CreateActivityCommand({ name }));
    const sm = await machine(task(arn));
    const executionArn = await start(sm, {});
    const d = await waitForEnd(cluster.sfn, executionArn, 10_000);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual({ ok: true });
    // stop() aborts the open long poll at once.
    await expect.poll(() => w.metrics().openPolls).toBe(1);
    let t0 = Date.now();
    await w.stop();
    expect(Date.now() - t0).toBeLessThan(1_000);

    // Nor does it wait out a backoff.
    const missing = `arn:aws:states:us-east-1:123456789012:activity:${uniqueName('aw-none')}`;
    const waiting = worker({ activityArn: missing, backoff: { initialMs: 20_000 }, handler: async () => null }, []);
    const failedOnce = new Promise<void>((resolve) => waiting.once('pollError', () => resolve()));
    waiting.start();
    await failedOnce;
    t0 = Date.now();
    await waiting.stop();
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
});
