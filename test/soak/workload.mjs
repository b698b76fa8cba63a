// The soak's state machines, the plan of executions drawn from the seed, and what each
// execution must end as. Expected outcomes follow from the definitions alone, whatever the
// faults: a retried or replayed step may add attempts (activity timeouts after a lost hand-out),
// never a second state entry, iteration, child or close.

/** Kinds of execution and how often each is drawn. */
export const KINDS = [
  ['fanout', 20], // Parallel of an inline Map (Wait inside) and a Wait branch
  ['activity', 25], // Wait, an activity Task held by the soak's pollers (plain, flaky with Retry, heartbeats)
  ['catch', 10], // a Task that fails at once, Retry x2, Catch, then Succeed or Fail by design
  ['redrive', 10], // Map, then an activity that fails until the execution is redriven
  ['stop', 10], // Parallel: Wait 3600, a nested .sync:2 child that waits, a held activity; stopped by the soak
  ['sync', 15], // nested startExecution.sync:2 of a child with a Map
  ['callback', 10], // startExecution.waitForTaskToken: the child's activity answers the parent's token
];

const timeoutRetry = { ErrorEquals: ['States.Timeout', 'States.HeartbeatTimeout'], IntervalSeconds: 1, MaxAttempts: 5, BackoffRate: 1 };
// A hand-out lost with a killed api ends by this time-out (as on AWS), then the Retry above.
const TASK_TIMEOUT = 20;

/**
 * Waits in most machines end on a shared barrier (`$.at`, a multiple of BARRIER_MS from the
 * soak's start) rather than after a fixed time, so many executions step at the same instants
 * and the fault schedule can aim its kills a few milliseconds after one: into commits and the
 * follow-ups they owe.
 */
export const BARRIER_MS = 2000;
export const nextBarrier = (origin, notBefore) => origin + Math.ceil((notBefore - origin) / BARRIER_MS) * BARRIER_MS;
/** The kinds whose input carries the barrier `at` their Waits end on. */
export const BARRIER_KINDS = new Set(['fanout', 'activity', 'sync']);

const bumpMap = (extra = {}) => ({
  Type: 'Map',
  ItemsPath: '$.items',
  ItemSelector: { 'n.$': '$$.Map.Item.Value.n', 'at.$': '$.at' },
  ItemProcessor: {
    StartAt: 'Pause',
    States: {
      Pause: { Type: 'Wait', TimestampPath: '$.at', Next: 'Bump' },
      Bump: { Type: 'Pass', Parameters: { 'v.$': 'States.MathAdd($.n, 1)' }, End: true },
    },
  },
  ...extra,
});

/** Child machines (started by parents), created before the parents that name them. */
export function childDefinitions(activityArn) {
  return {
    workChild: { StartAt: 'Each', States: { Each: bumpMap({ End: true }) } },
    holdChild: { StartAt: 'Sleep', States: { Sleep: { Type: 'Wait', Seconds: 3600, End: true } } },
    cbChild: {
      StartAt: 'Answer',
      States: {
        Answer: {
          Type: 'Task',
          Resource: activityArn,
          Parameters: { soak: 'callback', 'owner.$': '$$.Execution.Id', 'token.$': '$.token', 'parent.$': '$.parent', 'id.$': '$.id' },
          TimeoutSeconds: TASK_TIMEOUT,
          Retry: [timeoutRetry],
          End: true,
        },
      },
    },
  };
}

export function parentDefinitions(activityArn, childArn) {
  return {
    fanout: {
      StartAt: 'Prep',
      States: {
        Prep: { Type: 'Pass', Next: 'Both' },
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Each', States: { Each: bumpMap({ MaxConcurrency: 2, End: true }) } },
            { StartAt: 'Other', States: { Other: { Type: 'Wait', TimestampPath: '$.at', Next: 'Echo' }, Echo: { Type: 'Pass', Parameters: { 'id.$': '$.id' }, End: true } } },
          ],
          ResultPath: '$.both',
          End: true,
        },
      },
    },
    activity: {
      StartAt: 'Before',
      States: {
        Before: { Type: 'Wait', TimestampPath: '$.at', Next: 'Work' },
        Work: {
          Type: 'Task',
          Resource: activityArn,
          Parameters: { soak: 'work', 'owner.$': '$$.Execution.Id', 'id.$': '$.id', 'mode.$': '$.mode', 'retry.$': '$$.State.RetryCount' },
          TimeoutSeconds: TASK_TIMEOUT,
          HeartbeatSeconds: 10,
          Retry: [{ ErrorEquals: ['Soak.Flaky'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 }, timeoutRetry],
          ResultPath: '$.result',
          Next: 'After',
        },
        After: { Type: 'Pass', Parameters: { 'id.$': '$.id', 'mode.$': '$.mode', 'result.$': '$.result' }, End: true },
      },
    },
    catch: {
      StartAt: 'Call',
      States: {
        // No AWS endpoint or credentials reach the workers: this fails at once, every time.
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage',
          Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/soak-none', MessageBody: 'x' },
          Retry: [{ ErrorEquals: ['SQS.SdkClientException'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 }],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'Recovered' }],
          End: true,
        },
        Recovered: { Type: 'Pass', Parameters: { 'id.$': '$.id', 'odd.$': '$.odd', 'error.$': '$.caught.Error' }, Next: 'Decide' },
        Decide: { Type: 'Choice', Choices: [{ Variable: '$.odd', BooleanEquals: true, Next: 'Boom' }], Default: 'Fine' },
        Boom: { Type: 'Fail', Error: 'Soak.Expected', Cause: 'odd by design' },
        Fine: { Type: 'Succeed' },
      },
    },
    redrive: {
      StartAt: 'Prep',
      States: {
        Prep: { Type: 'Pass', Result: 'kept', ResultPath: '$.prep', Next: 'Each' },
        Each: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'Tick', States: { Tick: { Type: 'Wait', Seconds: 1, End: true } } }, ResultPath: '$.ticks', Next: 'Gate' },
        Gate: {
          Type: 'Task',
          Resource: activityArn,
          Parameters: { soak: 'gate', 'owner.$': '$$.Execution.Id', 'id.$': '$.id', 'redrive.$': '$$.Execution.RedriveCount' },
          TimeoutSeconds: TASK_TIMEOUT,
          Retry: [timeoutRetry],
          ResultPath: '$.gate',
          End: true,
        },
      },
    },
    stop: {
      StartAt: 'Hold',
      States: {
        Hold: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Sleep', States: { Sleep: { Type: 'Wait', Seconds: 3600, End: true } } },
            {
              StartAt: 'Child',
              States: {
                Child: {
                  Type: 'Task',
                  Resource: 'arn:aws:states:::states:startExecution.sync:2',
                  Parameters: { StateMachineArn: childArn.holdChild, 'Name.$': "States.Format('{}-c', $$.Execution.Name)", Input: { 'id.$': '$.id' } },
                  End: true,
                },
              },
            },
            {
              StartAt: 'Held',
              States: { Held: { Type: 'Task', Resource: activityArn, Parameters: { soak: 'hold', 'owner.$': '$$.Execution.Id', 'id.$': '$.id' }, TimeoutSeconds: 3600, End: true } },
            },
          ],
          End: true,
        },
      },
    },
    sync: {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.sync:2',
          Parameters: { StateMachineArn: childArn.workChild, Input: { 'id.$': '$.id', 'items.$': '$.items', 'at.$': '$.at' } },
          ResultSelector: { 'out.$': '$.Output', 'status.$': '$.Status' },
          ResultPath: '$.child',
          End: true,
        },
      },
    },
    callback: {
      StartAt: 'Ask',
      States: {
        Ask: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution.waitForTaskToken',
          Parameters: { StateMachineArn: childArn.cbChild, Input: { 'token.$': '$$.Task.Token', 'parent.$': '$$.Execution.Id', 'id.$': '$.id' } },
          ResultPath: '$.cb',
          End: true,
        },
      },
    },
  };
}

/** The executions of a run: kind, name, input and (for stop) when to stop, all from the seed. */
export function planExecutions(count, seed, rand) {
  const plan = [];
  for (let i = 0; i < count; i++) {
    const kind = rand.pick(KINDS);
    const name = `s${seed}-${i}-${kind}`;
    const items = Array.from({ length: rand.int(2, 4) }, (_, k) => ({ n: k * 10 + i }));
    let input;
    const extra = {};
    switch (kind) {
      case 'fanout': case 'redrive': case 'sync': input = { id: i, items }; break;
      case 'activity': input = { id: i, mode: rand.pick([['plain', 2], ['flaky', 1], ['heartbeat', 1]]) }; break;
      case 'catch': input = { id: i, odd: i % 2 === 1 }; break;
      case 'stop': input = { id: i }; extra.stopAfterMs = rand.int(1000, 6000); break;
      case 'callback': input = { id: i }; break;
      default: throw new Error(kind);
    }
    plan.push({ i, kind, name, input, ...extra });
  }
  return plan;
}

/**
 * What an execution must end as: status, output (or error/cause), redrive count, how often each
 * named state is entered (`entered`: exact, `enteredAtMost`), and exact / at-most event counts.
 */
export function expectation(p) {
  const { input } = p;
  const n = input.items?.length ?? 0;
  const bumped = (input.items ?? []).map((it) => ({ v: it.n + 1 }));
  switch (p.kind) {
    case 'fanout':
      return {
        status: 'SUCCEEDED',
        output: { ...input, both: [bumped, { id: input.id }] },
        entered: { Prep: 1, Both: 1, Each: 1, Pause: n, Bump: n, Other: 1, Echo: 1 },
        exact: { MapIterationStarted: n, MapIterationSucceeded: n, MapStateSucceeded: 1, ParallelStateSucceeded: 1 },
      };
    case 'activity':
      return {
        status: 'SUCCEEDED',
        output: { id: input.id, mode: input.mode, result: { ok: input.id } },
        entered: { Before: 1, Work: 1, After: 1 },
        heartbeatSeconds: 10,
        exact: { ActivitySucceeded: 1 },
        atMost: { ActivityFailed: input.mode === 'flaky' ? 1 : 0 },
      };
    case 'catch':
      return {
        status: input.odd ? 'FAILED' : 'SUCCEEDED',
        ...(input.odd ? { error: 'Soak.Expected', cause: 'odd by design' } : { output: { id: input.id, odd: false, error: 'SQS.SdkClientException' } }),
        entered: { Call: 1, Recovered: 1, Decide: 1, [input.odd ? 'Boom' : 'Fine']: 1 },
        exact: { TaskScheduled: 3, TaskFailed: 3 },
      };
    case 'redrive':
      return {
        status: 'SUCCEEDED',
        redriveCount: 1,
        output: { ...input, prep: 'kept', ticks: input.items, gate: { redriven: 1 } },
        entered: { Prep: 1, Each: 1, Tick: n, Gate: 2 },
        exact: { MapIterationStarted: n, MapIterationSucceeded: n, ExecutionFailed: 1, ExecutionRedriven: 1, ActivityFailed: 1, ActivitySucceeded: 1 },
      };
    case 'stop':
      return {
        status: 'ABORTED',
        // A stop may land before the first step: then not even Hold was entered.
        enteredAtMost: { Hold: 1, Sleep: 1, Child: 1, Held: 1 },
        exact: { ExecutionSucceeded: 0, ExecutionFailed: 0 },
        atMost: { TaskScheduled: 1, ActivityScheduled: 1 },
        child: { machine: 'holdChild', name: `${p.name}-c`, status: 'ABORTED', optional: true, enteredAtMost: { Sleep: 1 } },
      };
    case 'sync':
      return {
        status: 'SUCCEEDED',
        output: { ...input, child: { out: bumped, status: 'SUCCEEDED' } },
        entered: { Call: 1 },
        exact: { TaskScheduled: 1, TaskSubmitted: 1, TaskSucceeded: 1 },
        child: {
          machine: 'workChild',
          status: 'SUCCEEDED',
          output: bumped,
          entered: { Each: 1, Pause: n, Bump: n },
          exact: { MapIterationStarted: n, MapIterationSucceeded: n },
        },
      };
    case 'callback':
      return {
        status: 'SUCCEEDED',
        output: { ...input, cb: { cb: input.id } },
        entered: { Ask: 1 },
        exact: { TaskScheduled: 1, TaskSubmitted: 1, TaskSucceeded: 1 },
        child: { machine: 'cbChild', status: 'SUCCEEDED', output: { answered: true }, entered: { Answer: 1 }, exact: { ActivitySucceeded: 1 } },
      };
    default:
      throw new Error(p.kind);
  }
}
