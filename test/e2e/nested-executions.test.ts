import { DescribeExecutionCommand, ListExecutionsCommand, SendTaskSuccessCommand, StopExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectTo, executionId, keys } from '@redstep/store';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { history, waitForEnd } from '../support/sfn.js';
import { createMachine, eventTypes, start, startIntegrationCluster } from './integration-support.js';

/** Nested executions: `states:startExecution` in every pattern, against real api and worker processes. */
describe('nested executions (states:startExecution)', () => {
  let cluster: Awaited<ReturnType<typeof startIntegrationCluster>>;
  let sfn: SFNClient;
  let echo: string;
  let failing: string;
  let waiting: string;
  let callback: string;

  beforeAll(async () => {
    cluster = await startIntegrationCluster({});
    sfn = cluster.sfn;
    echo = await createMachine(sfn, { StartAt: 'Echo', States: { Echo: { Type: 'Pass', Parameters: { 'got.$': '$', done: true }, End: true } } });
    failing = await createMachine(sfn, { StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'Child.Broke', Cause: 'the child failed' } } });
    waiting = await createMachine(sfn, { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 60, End: true } } });
    // A child that waits while its code (played by the test) answers the parent's token.
    callback = await createMachine(sfn, { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 60, End: true } } });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  function parentOf(resource: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    return { StartAt: 'Nest', States: { Nest: { Type: 'Task', Resource: resource, Parameters: parameters, End: true, ...extra } } };
  }

  test('request-response starts the child and answers { ExecutionArn, StartDate }', async () => {
    const parent = await createMachine(sfn, parentOf('arn:aws:states:::states:startExecution', { StateMachineArn: echo, Input: { 'n.$': '$.n' } }));
    const arn = await start(sfn, parent, { n: 7 });
    const done = await waitForEnd(sfn, arn);
    expect(done.status, done.cause).toBe('SUCCEEDED');
    const out = JSON.parse(done.output!) as Record<string, unknown>;
    expect(typeof out.ExecutionArn).toBe('string');
    expect(typeof out.StartDate).toBe('number');
    expect(out.SdkHttpMetadata).toMatchObject({ HttpStatusCode: 200 });
    const childArn = out.ExecutionArn as string;
    // The default name is a UUID derived from the parent's task.
    expect(childArn).toMatch(/:execution:[^:]+:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const child = await waitForEnd(sfn, childArn);
    expect(child.status).toBe('SUCCEEDED');
    expect(JSON.parse(child.input!)).toEqual({ n: 7 });
    expect(JSON.parse(child.output!)).toEqual({ got: { n: 7 }, done: true });
    expect(Math.abs((out.StartDate as number) - child.startDate!.getTime())).toBeLessThan(1000);
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: echo }));
    expect(listed.executions?.map((e) => e.executionArn)).toContain(childArn);
    const events = await history(sfn, arn);
    const scheduled = events.find((e) => e.type === 'TaskScheduled')!;
    expect(scheduled.taskScheduledEventDetails).toMatchObject({ resourceType: 'states', resource: 'startExecution' });
    // Request-response waits for nothing after its call: no TaskSubmitted.
    expect(eventTypes(events)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
  });

  test('.sync waits for the child and answers its description with Output as JSON text', async () => {
    const parent = await createMachine(
      sfn,
      parentOf('arn:aws:states:::states:startExecution.sync', { StateMachineArn: echo, Input: { x: 1 }, Name: 'sync-child' }),
    );
    const arn = await start(sfn, parent);
    const done = await waitForEnd(sfn, arn);
    expect(done.status, done.cause).toBe('SUCCEEDED');
    const out = JSON.parse(done.output!) as Record<string, unknown>;
    expect(out).toMatchObject({
      Input: '{"x":1}',
      InputDetails: { Included: true },
      Name: 'sync-child',
      OutputDetails: { Included: true },
      StateMachineArn: echo,
      Status: 'SUCCEEDED',
    });
    expect(out.ExecutionArn).toMatch(/:execution:[^:]+:sync-child$/);
    expect(JSON.parse(out.Output as string)).toEqual({ got: { x: 1 }, done: true });
    expect(out.StopDate as number).toBeGreaterThanOrEqual(out.StartDate as number);
    expect(Object.keys(out)).toEqual([...Object.keys(out)].sort());
    // TaskSubmitted, once, between TaskStarted and TaskSucceeded, with StartExecution's response.
    const events = await history(sfn, arn);
    expect(eventTypes(events)).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
    const [started, submitted] = events.filter((e) => e.type === 'TaskStarted' || e.type === 'TaskSubmitted');
    expect(submitted!.previousEventId).toBe(started!.id);
    const details = submitted!.taskSubmittedEventDetails!;
    expect(details).toMatchObject({ resourceType: 'states', resource: 'startExecution.sync', outputDetails: { truncated: false } });
    const response = JSON.parse(details.output!) as Record<string, unknown>;
    expect(response).toMatchObject({ ExecutionArn: out.ExecutionArn, StartDate: out.StartDate, SdkHttpMetadata: { HttpStatusCode: 200 } });
  });

  test('very fast .sync children: every task still records TaskSubmitted before its answer', async () => {
    // A one-Pass child often closes before the parent's worker has recorded the submission;
    // its answer waits for it. Eight at once make that race likely in some of them.
    const parent = await createMachine(sfn, {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Nest',
            States: { Nest: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2', Parameters: { StateMachineArn: echo, 'Input.$': '$' }, End: true } },
          },
          End: true,
        },
      },
    });
    const arn = await start(sfn, parent, { items: [1, 2, 3, 4, 5, 6, 7, 8].map((i) => ({ i })) });
    const done = await waitForEnd(sfn, arn);
    expect(done.status, done.cause).toBe('SUCCEEDED');
    const events = await history(sfn, arn);
    const types = eventTypes(events);
    expect(types.filter((t) => t === 'TaskSubmitted')).toHaveLength(8);
    expect(types.filter((t) => t === 'TaskSucceeded')).toHaveLength(8);
    // Pair each child's TaskSubmitted (its start) with its TaskSucceeded (its description).
    const at = (type: string) => new Map(events.filter((e) => e.type === type).map((e) => {
      const output = (e.taskSubmittedEventDetails ?? e.taskSucceededEventDetails)!.output!;
      return [(JSON.parse(output) as { ExecutionArn: string }).ExecutionArn, e.id!] as const;
    }));
    const submitted = at('TaskSubmitted');
    const succeeded = at('TaskSucceeded');
    expect(submitted.size).toBe(8);
    for (const [child, id] of succeeded) expect(submitted.get(child), child).toBeLessThan(id);
  });

  test('.sync:2 answers the same description with Input and Output parsed', async () => {
    const parent = await createMachine(
      sfn,
      parentOf('arn:aws:states:::states:startExecution.sync:2', { StateMachineArn: echo, 'Input.$': '$' }, { ResultSelector: { 'out.$': '$.Output', 'status.$': '$.Status' } }),
    );
    const arn = await start(sfn, parent, { y: 'two' });
    const done = await waitForEnd(sfn, arn);
    expect(done.status, done.cause).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ out: { got: { y: 'two' }, done: true }, status: 'SUCCEEDED' });
  });

  test('a failing child fails the .sync task with States.TaskFailed, caught by Catch', async () => {
    const parent = await createMachine(sfn, {
      StartAt: 'Nest',
      States: {
        Nest: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync:2',
          Parameters: { StateMachineArn: failing },
          Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.caught', Next: 'Handled' }],
          End: true,
        },
        Handled: { Type: 'Pass', End: true },
      },
    });
    const arn = await start(sfn, parent);
    const done = await waitForEnd(sfn, arn);
    expect(done.status, done.cause).toBe('SUCCEEDED');
    const caught = (JSON.parse(done.output!) as { caught: { Error: string; Cause: string } }).caught;
    expect(caught.Error).toBe('States.TaskFailed');
    const cause = JSON.parse(caught.Cause) as Record<string, unknown>;
    expect(cause).toMatchObject({ Status: 'FAILED', Error: 'Child.Broke', Cause: 'the child failed', StateMachineArn: failing });
    const failedEvent = (await history(sfn, arn)).find((e) => e.type === 'TaskFailed')!;
    expect(failedEvent.taskFailedEventDetails).toMatchObject({ error: 'States.TaskFailed', resourceType: 'states', resource: 'startExecution.sync:2' });
  });

  test('a missing state machine fails the task with StepFunctions.StateMachineDoesNotExistException', async () => {
    const parent = await createMachine(sfn, parentOf('arn:aws:states:::states:startExecution', { StateMachineArn: `${echo}-missing` }));
    const done = await waitForEnd(sfn, await start(sfn, parent));
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('StepFunctions.StateMachineDoesNotExistException');
    expect(done.cause).toContain('State Machine Does Not Exist');
  });

  test('.waitForTaskToken: the child answers with SendTaskSuccess on the token it got in its input', async () => {
    // The child sends the token back through the API: a state machine cannot call the API
    // itself, so the test plays the child's code, reading the token from the child's input.
    const parent = await createMachine(
      sfn,
      parentOf('arn:aws:states:::states:startExecution.waitForTaskToken', { StateMachineArn: callback, Input: { 'token.$': '$$.Task.Token', job: 'j1' } }),
    );
    const arn = await start(sfn, parent);
    let childArn: string | undefined;
    for (let i = 0; i < 200 && !childArn; i++) {
      const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: callback, statusFilter: 'RUNNING' }));
      childArn = listed.executions?.[0]?.executionArn;
      if (!childArn) await sleep(50);
    }
    expect(childArn).toBeDefined();
    const child = await sfn.send(new DescribeExecutionCommand({ executionArn: childArn! }));
    const { token, job } = JSON.parse(child.input!) as { token: string; job: string };
    expect(job).toBe('j1');
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ answered: job }) }));
    const done = await waitForEnd(sfn, arn);
    expect(done.status, done.cause).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ answered: 'j1' });
    const events = await history(sfn, arn);
    expect(eventTypes(events).slice(2, 6)).toEqual(['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']);
    const submitted = events.find((e) => e.type === 'TaskSubmitted')!.taskSubmittedEventDetails!;
    expect(submitted.resource).toBe('startExecution.waitForTaskToken');
    expect(JSON.parse(submitted.output!)).toMatchObject({ ExecutionArn: childArn });
    await sfn.send(new StopExecutionCommand({ executionArn: childArn! }));
  });

  test('StopExecution of a child under .sync fails the parent task with the ABORTED description', async () => {
    const parent = await createMachine(sfn, parentOf('arn:aws:states:::states:startExecution.sync', { StateMachineArn: waiting, Name: 'to-stop' }));
    const arn = await start(sfn, parent);
    const childArn = waiting.replace(':stateMachine:', ':execution:') + ':to-stop';
    for (let i = 0; i < 200; i++) {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn: childArn })).catch(() => undefined);
      if (d?.status === 'RUNNING') break;
      await sleep(50);
    }
    await sleep(300);
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');
    await sfn.send(new StopExecutionCommand({ executionArn: childArn, error: 'Halt', cause: 'stopped by the test' }));
    const done = await waitForEnd(sfn, arn);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('States.TaskFailed');
    const cause = JSON.parse(done.cause!) as Record<string, unknown>;
    expect(cause).toMatchObject({ ExecutionArn: childArn, Status: 'ABORTED', Error: 'Halt', Cause: 'stopped by the test', Input: '{}' });
  });

  test('a child that times out (TimeoutSeconds) fails the .sync:2 task with the TIMED_OUT description', async () => {
    const slow = await createMachine(sfn, { TimeoutSeconds: 1, StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 60, End: true } } });
    const parent = await createMachine(sfn, parentOf('arn:aws:states:::states:startExecution.sync:2', { StateMachineArn: slow, Input: { t: 1 } }));
    const done = await waitForEnd(sfn, await start(sfn, parent));
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('States.TaskFailed');
    expect(JSON.parse(done.cause!)).toMatchObject({ Status: 'TIMED_OUT', Input: { t: 1 }, StateMachineArn: slow });
  });

  test('a parent retry starts a new child; one task attempt starts its child once', async () => {
    const parent = await createMachine(sfn, parentOf('arn:aws:states:::states:startExecution.sync', { StateMachineArn: echo, Input: { once: true } }));
    const before = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: echo, maxResults: 1000 }))).executions?.length ?? 0;
    const done = await waitForEnd(sfn, await start(sfn, parent));
    expect(done.status, done.cause).toBe('SUCCEEDED');
    const after = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: echo, maxResults: 1000 }))).executions?.length ?? 0;
    expect(after - before).toBe(1);
  });

  /** Waits until an execution exists and runs (a child is started by its parent's worker). */
  async function running(executionArn: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn })).catch(() => undefined);
      if (d?.status === 'RUNNING') return;
      await sleep(50);
    }
    throw new Error(`${executionArn} never ran`);
  }

  /**
   * Plays a race or a crash on a parent's stored task fields: waits until one field matches,
   * then hands it (name and value) to `change` with a connection to the test's Redis.
   */
  async function onParentField(arn: string, match: (field: string, value: string) => boolean, change: (redis: Redis, key: string, field: [string, string]) => Promise<void>) {
    const { redis } = connectTo(cluster.redisTarget);
    try {
      const key = keys.execution(executionId(arn));
      let found: [string, string] | undefined;
      for (let i = 0; i < 100 && !found; i++) {
        found = Object.entries(await redis.hgetall(key)).find(([f, v]) => match(f, v));
        if (!found) await sleep(20);
      }
      if (!found) throw new Error(`no matching field on ${arn}`);
      await change(redis, key, found);
    } finally {
      redis.disconnect();
    }
  }

  /** The submission mark once the worker has recorded the call (it reads 'due' until then). */
  const recordedMark = (f: string, v: string) => f.startsWith('u:') && v !== 'due';

  test('stopping a parent stops the .sync child it waits on; a request-response child runs on', async () => {
    const parent = await createMachine(
      sfn,
      {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            End: true,
            Branches: [
              { StartAt: 'Sync', States: { Sync: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2', Parameters: { StateMachineArn: waiting, Name: 'stop-with-parent' }, End: true } } },
              { StartAt: 'Fire', States: { Fire: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution', Parameters: { StateMachineArn: waiting, Name: 'outlive-parent' }, Next: 'Hold' }, Hold: { Type: 'Wait', Seconds: 60, End: true } } },
            ],
          },
        },
      },
    );
    const arn = await start(sfn, parent);
    const synced = waiting.replace(':stateMachine:', ':execution:') + ':stop-with-parent';
    const fired = waiting.replace(':stateMachine:', ':execution:') + ':outlive-parent';
    await running(synced);
    await running(fired);
    await sfn.send(new StopExecutionCommand({ executionArn: arn }));
    const child = await waitForEnd(sfn, synced);
    expect(child.status).toBe('ABORTED');
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: fired }))).status).toBe('RUNNING');
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('ABORTED');
    await sfn.send(new StopExecutionCommand({ executionArn: fired }));
  });

  test('a .sync task that times out stops its child, and Catch sees States.Timeout', async () => {
    const parent = await createMachine(sfn, {
      StartAt: 'Nest',
      States: {
        Nest: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync',
          Parameters: { StateMachineArn: waiting, Name: 'stop-on-timeout' },
          TimeoutSeconds: 1,
          Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.caught', Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    });
    const arn = await start(sfn, parent);
    const childArn = waiting.replace(':stateMachine:', ':execution:') + ':stop-on-timeout';
    await running(childArn);
    const child = await waitForEnd(sfn, childArn);
    expect(child.status).toBe('ABORTED');
    const done = await waitForEnd(sfn, arn);
    expect(done.status, done.cause).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toMatchObject({ caught: { Error: 'States.Timeout' } });
  });

  test('a child that closes before its parent recorded the start: the answer waits for TaskSubmitted', async () => {
    const parent = await createMachine(sfn, parentOf('arn:aws:states:::states:startExecution.sync', { StateMachineArn: waiting, Name: 'outruns-submit' }));
    const arn = await start(sfn, parent);
    const childArn = waiting.replace(':stateMachine:', ':execution:') + ':outruns-submit';
    await running(childArn);
    // Play the race: take back the parent's record of the submission (as if its worker had not
    // got that far), then close the child.
    await onParentField(arn, recordedMark, async (redis, key, [field, value]) => {
      await redis.hset(key, field, 'due');
      await sfn.send(new StopExecutionCommand({ executionArn: childArn }));
      await sleep(1000);
      // The child's answer is held back: the parent still waits, no TaskFailed yet.
      expect((await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');
      expect(eventTypes(await history(sfn, arn)).at(-1)).toBe('TaskSubmitted');
      await redis.hset(key, field, value);
    });
    const done = await waitForEnd(sfn, arn);
    expect(done.status).toBe('FAILED');
    expect(eventTypes(await history(sfn, arn)).slice(3)).toEqual(['TaskStarted', 'TaskSubmitted', 'TaskFailed', 'ExecutionFailed']);
  });

  test('a task with no submission mark (scheduled by an older RedStep) takes its answer at once', async () => {
    const parent = await createMachine(sfn, parentOf('arn:aws:states:::states:startExecution.sync', { StateMachineArn: waiting, Name: 'unmarked' }));
    const arn = await start(sfn, parent);
    const childArn = waiting.replace(':stateMachine:', ':execution:') + ':unmarked';
    await running(childArn);
    await onParentField(arn, recordedMark, async (redis, key, [field]) => {
      await redis.hdel(key, field);
    });
    await sfn.send(new StopExecutionCommand({ executionArn: childArn }));
    const done = await waitForEnd(sfn, arn, 5_000);
    expect(done.status).toBe('FAILED');
  });

  test('a .sync child whose parent stopped waiting without stopping it (a crash between the two) stops itself at its next step', async () => {
    const brief = await createMachine(sfn, { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 2, Next: 'Done' }, Done: { Type: 'Pass', End: true } } });
    const parent = await createMachine(sfn, parentOf('arn:aws:states:::states:startExecution.sync', { StateMachineArn: brief, Name: 'orphan' }));
    const arn = await start(sfn, parent);
    const childArn = brief.replace(':stateMachine:', ':execution:') + ':orphan';
    await running(childArn);
    // Play the crash: the parent's task and its link vanish as if the parent moved on and died
    // before it stopped the child.
    await onParentField(arn, (f) => f.startsWith('n:'), async (redis, key, [field]) => {
      await redis.hdel(key, `t:${field.slice(2)}`, field);
    });
    const child = await waitForEnd(sfn, childArn);
    expect(child.status).toBe('ABORTED');
    await sfn.send(new StopExecutionCommand({ executionArn: arn }));
  });
});
