import type { TaskState } from '../../asl/types.js';
import { StatesError } from '../../errors.js';
import { expressionOf, isJsonataTemplate, QueryEvaluationError, unexpectedTypeCause } from '../../jsonata/index.js';
import { applyInputPath, evaluatePath, evaluatePayloadTemplate } from '../../jsonpath/index.js';
import { jsonata } from '../dataflow.js';
import { payload } from '../recorder.js';
import type { PendingTask, TaskIntegration } from '../types.js';
import { leaveWithResult } from './results.js';
import { inspect, mockedError, type Mocked, type Outcome, type StateContext } from './state-context.js';

const ACTIVITY_ARN = /^arn:aws[\w-]*:states:[\w-]+:\d{12}:activity:.+$/;

export function isActivityResource(resource: string): boolean {
  return ACTIVITY_ARN.test(resource);
}

/**
 * Task on an activity: schedule it and wait for a worker's answer, a timeout or a heartbeat
 * timeout. Other resources belong to the integrations work and fail at run time for now.
 */
export async function runTask(state: TaskState, sc: StateContext): Promise<Outcome> {
  if (sc.inspection?.mock) return runMocked(state, sc, sc.inspection.mock);
  if (!isActivityResource(state.Resource)) {
    const integration = integrationOf(state.Resource, sc.cursor.state);
    if (!integration) throw new StatesError('States.Runtime', `The resource '${state.Resource}' is not supported by this service.`);
    return runIntegration(state, sc, integration);
  }
  const { wake, cursor, recorder } = sc;
  const task = cursor.task;
  if (task && wake.kind === 'taskSucceeded') {
    recorder.add('ActivitySucceeded', { activitySucceededEventDetails: payload('output', wake.output) });
    return finish(state, sc, JSON.parse(wake.output));
  }
  if (task && wake.kind === 'taskFailed') {
    recorder.add('ActivityFailed', { activityFailedEventDetails: defined({ error: wake.error, cause: wake.cause }) });
    return { kind: 'error', error: wake.error, cause: wake.cause };
  }
  if (task && wake.kind === 'taskTimedOut') {
    const error = wake.heartbeat ? 'States.HeartbeatTimeout' : 'States.Timeout';
    recorder.add('ActivityTimedOut', { activityTimedOutEventDetails: { error } });
    return { kind: 'error', error };
  }
  return schedule(state, sc);
}

async function schedule(state: TaskState, sc: StateContext): Promise<Outcome> {
  if (sc.options.activityExists && !sc.options.activityExists(state.Resource)) {
    throw new StatesError('States.Runtime', `The activity ${state.Resource} does not exist.`);
  }
  const token = sc.options.newToken();
  const { text, timeoutSeconds, heartbeatSeconds } = await effectiveInput(state, sc, token);
  const event = sc.recorder.add('ActivityScheduled', {
    activityScheduledEventDetails: defined({
      resource: state.Resource,
      ...payload('input', text),
      timeoutInSeconds: timeoutSeconds,
      heartbeatInSeconds: heartbeatSeconds,
    }),
  });
  const pending = pendingTask(state, sc, { token, text, eventId: event.id, timeoutSeconds, heartbeatSeconds });
  return { kind: 'suspend', suspension: { kind: 'activity', task: pending }, patch: { task: pending } };
}

/** The task's input after InputPath/Parameters (or Arguments), with its time-outs; `$$.Task.Token` is the new token. */
async function effectiveInput(state: TaskState, sc: StateContext, token: string) {
  let input: unknown;
  let timeoutSeconds: number | undefined;
  let heartbeatSeconds: number | undefined;
  if (sc.language === 'JSONata') {
    input = state.Arguments === undefined ? sc.cursor.input : await jsonata(sc, state.Arguments, 'Arguments', {}, token);
    timeoutSeconds = await jsonataSeconds(state.TimeoutSeconds, 'TimeoutSeconds', sc, token);
    heartbeatSeconds = await jsonataSeconds(state.HeartbeatSeconds, 'HeartbeatSeconds', sc, token);
  } else {
    const paths = sc.paths(token);
    input = applyInputPath(state.InputPath, sc.cursor.input, paths);
    if (state.Parameters !== undefined) input = evaluatePayloadTemplate(state.Parameters, input, paths, 'Parameters');
    timeoutSeconds = seconds(state.TimeoutSeconds, state.TimeoutSecondsPath, 'TimeoutSecondsPath', sc);
    heartbeatSeconds = seconds(state.HeartbeatSeconds, state.HeartbeatSecondsPath, 'HeartbeatSecondsPath', sc);
  }
  return { text: JSON.stringify(input), timeoutSeconds, heartbeatSeconds };
}

/** AWS's default time-out of a service integration Task with no TimeoutSeconds. */
const DEFAULT_INTEGRATION_TIMEOUT_SECONDS = 99999999;

const LAMBDA_FUNCTION = /^arn:aws[\w-]*:lambda:[^:]+:[^:]+:function:[^:]+(:[^:]+)?$/;
const INTEGRATION = /^arn:aws[\w-]*:states:::(.+?)(\.sync:2|\.sync|\.waitForTaskToken)?$/;

/** What a non-activity resource calls: a plain Lambda function ARN or `arn:aws:states:::<service>:<action>[.pattern]`. */
export function integrationOf(resource: string, stateName: string): TaskIntegration | undefined {
  if (LAMBDA_FUNCTION.test(resource)) return { service: 'lambda', action: 'invoke', pattern: 'request', state: stateName, function: true };
  const m = INTEGRATION.exec(resource);
  if (!m) return undefined;
  const body = m[1]!;
  const suffix = m[2];
  const cut = body.lastIndexOf(':');
  if (cut <= 0 || cut === body.length - 1) return undefined;
  const pattern = suffix === '.sync' ? 'sync' : suffix === '.sync:2' ? 'sync2' : suffix === '.waitForTaskToken' ? 'callback' : 'request';
  return { service: body.slice(0, cut), action: body.slice(cut + 1), pattern, state: stateName };
}

/** How events name the resource: the action with its pattern suffix (`startExecution.sync:2`). */
const PATTERN_SUFFIX: Record<TaskIntegration['pattern'], string> = { request: '', sync: '.sync', sync2: '.sync:2', callback: '.waitForTaskToken' };

/** The `resourceType` / `resource` pair every Task* event of a service integration carries. */
export function taskEventNames(integration: TaskIntegration): { resourceType: string; resource: string } {
  return { resourceType: integration.service, resource: `${integration.action}${PATTERN_SUFFIX[integration.pattern]}` };
}

/** Region of the execution's ARN: TaskScheduled names where the call goes. */
function regionOf(executionArn: string): string {
  return executionArn.split(':')[3] ?? '';
}

/**
 * A service integration: TaskScheduled and TaskStarted, then wait for the worker's call (or,
 * with `.waitForTaskToken`, SendTaskSuccess/Failure on the token) to answer; Lambda function
 * ARNs record LambdaFunction* events as AWS does.
 */
async function runIntegration(state: TaskState, sc: StateContext, integration: TaskIntegration): Promise<Outcome> {
  const { wake, cursor, recorder } = sc;
  const task = cursor.task;
  const names = integration.function ? undefined : taskEventNames(integration);
  if (task && wake.kind === 'taskSucceeded') {
    if (names) recorder.add('TaskSucceeded', { taskSucceededEventDetails: { ...names, ...payload('output', wake.output) } });
    else recorder.add('LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: payload('output', wake.output) });
    return finish(state, sc, JSON.parse(wake.output));
  }
  if (task && wake.kind === 'taskFailed') {
    const failure = defined({ error: wake.error, cause: wake.cause });
    // A callback or `.sync` Task whose call failed submitted nothing: AWS records TaskSubmitFailed.
    if (names && wake.submitFailed) recorder.add('TaskSubmitFailed', { taskSubmitFailedEventDetails: { ...names, ...failure } });
    else if (names) recorder.add('TaskFailed', { taskFailedEventDetails: { ...names, ...failure } });
    else recorder.add('LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: failure });
    return { kind: 'error', error: wake.error, cause: wake.cause };
  }
  if (task && wake.kind === 'taskTimedOut') {
    const error = wake.heartbeat ? 'States.HeartbeatTimeout' : 'States.Timeout';
    if (names) recorder.add('TaskTimedOut', { taskTimedOutEventDetails: { ...names, error } });
    else recorder.add('LambdaFunctionTimedOut', { lambdaFunctionTimedOutEventDetails: { error } });
    return { kind: 'error', error };
  }
  const token = sc.options.newToken();
  const { text, timeoutSeconds, heartbeatSeconds } = await effectiveInput(state, sc, token);
  let event;
  if (names) {
    event = recorder.add('TaskScheduled', {
      taskScheduledEventDetails: defined({
        ...names,
        region: regionOf(sc.execution.arn),
        parameters: text,
        timeoutInSeconds: timeoutSeconds ?? DEFAULT_INTEGRATION_TIMEOUT_SECONDS,
        heartbeatInSeconds: heartbeatSeconds,
      }),
    });
    recorder.add('TaskStarted', { taskStartedEventDetails: names });
  } else {
    event = recorder.add('LambdaFunctionScheduled', {
      lambdaFunctionScheduledEventDetails: defined({ resource: state.Resource, ...payload('input', text), timeoutInSeconds: timeoutSeconds }),
    });
    recorder.add('LambdaFunctionStarted');
  }
  const pending = pendingTask(state, sc, { token, text, eventId: event.id, timeoutSeconds, heartbeatSeconds, integration });
  return { kind: 'suspend', suspension: { kind: 'invoke', task: pending }, patch: { task: pending } };
}

/** TestState with a mock: the task's input is computed as for a call, then the mock answers. */
async function runMocked(state: TaskState, sc: StateContext, mock: Mocked): Promise<Outcome> {
  const token = (sc.paths().context as { Task?: { Token?: string } } | undefined)?.Task?.Token;
  if (sc.language === 'JSONata') {
    const input = state.Arguments === undefined ? sc.cursor.input : await jsonata(sc, state.Arguments, 'Arguments', {}, token);
    inspect(sc, 'afterArguments', input);
  } else {
    const paths = sc.paths(token);
    let input = applyInputPath(state.InputPath, sc.cursor.input, paths);
    inspect(sc, 'afterInputPath', input);
    if (state.Parameters !== undefined) input = evaluatePayloadTemplate(state.Parameters, input, paths, 'Parameters');
    inspect(sc, 'afterParameters', input);
  }
  if (mock.kind === 'error') return mockedError(mock);
  return finish(state, sc, mock.result);
}

function finish(state: TaskState, sc: StateContext, result: unknown): Promise<Outcome> {
  inspect(sc, 'result', result);
  return leaveWithResult(state, sc, result, sc.cursor.task?.token);
}

/** TimeoutSeconds / HeartbeatSeconds in JSONata mode: a positive integer literal or expression. */
async function jsonataSeconds(value: number | string | undefined, field: string, sc: StateContext, token: string): Promise<number | undefined> {
  if (value === undefined) return undefined;
  const seconds = await jsonata(sc, value, field, {}, token);
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1) {
    const expression = isJsonataTemplate(value) ? expressionOf(value) : String(value);
    throw new QueryEvaluationError(unexpectedTypeCause(expression, field, 'integer', seconds), field);
  }
  return seconds;
}

function seconds(literal: number | string | undefined, path: string | undefined, field: string, sc: StateContext): number | undefined {
  if (typeof literal === 'number') return literal;
  if (path === undefined) return undefined;
  const value = evaluatePath(path, sc.cursor.input, sc.paths());
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new StatesError('States.Runtime', `The ${field} parameter does not reference a valid positive integer: ${path} == ${JSON.stringify(value)}`);
  }
  return value;
}

/** The task a Task state waits on once scheduled: an activity's or a service call's. */
function pendingTask(
  state: TaskState,
  sc: StateContext,
  t: { token: string; text: string; eventId: number; timeoutSeconds?: number; heartbeatSeconds?: number; integration?: TaskIntegration },
): PendingTask {
  return defined({
    token: t.token,
    resource: state.Resource,
    input: t.text,
    scheduledAt: sc.now,
    scheduledEventId: t.eventId,
    timeoutSeconds: t.timeoutSeconds,
    heartbeatSeconds: t.heartbeatSeconds,
    integration: t.integration,
  }) as PendingTask;
}

/** Drops undefined members so optional details do not appear as keys. */
function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
