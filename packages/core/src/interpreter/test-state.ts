/**
 * TestState: one state run on its own, through the same executors as an execution, with the
 * intermediate values AWS reports as `inspectionData`. Task, Map and Parallel states run with a
 * mock standing for the service call or the children; Retry and Catch are evaluated once and
 * reported (RETRIABLE, CAUGHT_ERROR) rather than acted on. Pure apart from the ids it is given.
 */
import { EvaluationBudget } from '../bounded/budget.js';
import type { MapState, State, StateMachineDefinition, TaskState } from '../asl/types.js';
import { InvalidDefinition, InvalidExecutionInput, ValidationException } from '../api/errors.js';
import { StatesError } from '../errors.js';
import { validateDefinition } from '../validation/index.js';
import { invalidDefinitionMessage } from '../validation/messages.js';
import { contextObject } from './context.js';
import { languageOf } from './dataflow.js';
import { decideRetry, errorMatches, findCatcher } from './errors.js';
import { Recorder } from './recorder.js';
import { catchExit, runStateType } from './states/dispatch.js';
import { errorOutcome } from './states/error-outcome.js';
import type { Inspection, InspectionField, Mocked, Outcome, StateContext } from './states/state-context.js';
import type { Cursor, ExecutionInfo, Wake } from './types.js';
import { applyAssignment, type Variables } from './variables.js';
import { mockResultProblem, outputShapeOf } from './test-state-shapes.js';

export type InspectionLevel = 'INFO' | 'DEBUG' | 'TRACE';

export interface TestStateRequest {
  definition: string;
  roleArn?: string;
  input?: string;
  inspectionLevel?: InspectionLevel;
  revealSecrets?: boolean;
  variables?: string;
  stateName?: string;
  context?: string;
  mock?: {
    result?: string;
    errorOutput?: { error?: string; cause?: string };
    fieldValidationMode?: 'STRICT' | 'PRESENT' | 'NONE';
  };
  stateConfiguration?: {
    retrierRetryCount?: number;
    errorCausedByState?: string;
    mapIterationFailureCount?: number;
    mapItemReaderData?: string;
  };
}

export interface TestStateEnvironment {
  now: number;
  partition?: string;
  region: string;
  accountId: string;
  /** Makes the names of the synthetic execution and state machine the context object shows. */
  newId: () => string;
}

export type TestStatus = 'SUCCEEDED' | 'FAILED' | 'RETRIABLE' | 'CAUGHT_ERROR';

export interface InspectionErrorDetails {
  catchIndex?: number;
  retryIndex?: number;
  retryBackoffIntervalSeconds?: number;
}

/** `inspectionData` as the API returns it: payloads as JSON text, limits as numbers. */
export interface InspectionData {
  input?: string;
  afterInputPath?: string;
  afterParameters?: string;
  afterArguments?: string;
  result?: string;
  afterResultSelector?: string;
  afterResultPath?: string;
  afterItemsPath?: string;
  variables?: string;
  maxConcurrency?: number;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
  errorDetails?: InspectionErrorDetails;
}

export interface TestStateResult {
  status: TestStatus;
  output?: string;
  error?: string;
  cause?: string;
  nextState?: string;
  inspectionData?: InspectionData;
}

/** The name a state tested on its own runs under (AWS shows it in `$$.State.Name` and in errors). */
export const TEST_STATE_NAME = 'StateName';

const MOCKABLE = new Set(['Task', 'Map', 'Parallel']);
const NUMERIC_FIELDS = new Set<InspectionField>(['maxConcurrency', 'toleratedFailureCount', 'toleratedFailurePercentage']);

export async function testState(request: TestStateRequest, env: TestStateEnvironment): Promise<TestStateResult> {
  const { definition, state } = resolveState(request.definition, request.stateName);
  const mock = checkMock(request, state);
  const input = parseInput(request.input);
  const variables = parseVariables(request.variables);
  const context = request.context === undefined ? undefined : checkContext(request.context, state);

  const recorded: Partial<Record<InspectionField, unknown>> = {};
  const inspection: Inspection = { record: (field, value) => void (recorded[field] = value) };
  if (mock) inspection.mock = mock;

  const retryCount = request.stateConfiguration?.retrierRetryCount ?? 0;
  const cursor: Cursor = { state: TEST_STATE_NAME, input, entered: true, enteredTime: env.now, enteredEventId: 0, attempts: [retryCount] };
  if (Object.keys(variables).length > 0) cursor.variables = variables;
  const execution = syntheticExecution(request, env, input);
  const $$ = context ?? defaultContext(execution, cursor, state, request.roleArn, env);
  const budget = new EvaluationBudget();
  const sc: StateContext = {
    execution,
    cursor,
    wake: { kind: 'start' },
    now: env.now,
    recorder: new Recorder(0, env.now),
    options: { newToken: env.newId },
    paths: () => ({ context: $$, variables, budget }),
    budget,
    language: languageOf(definition, state),
    variables,
    path: [],
    runFrame: () => Promise.reject(new Error('TestState runs no child frames')),
    freshCursor: () => {
      throw new Error('TestState runs no child frames');
    },
    budgetLeft: () => 0,
    inspection,
  };

  let outcome = await runState(state, sc);
  if (outcome.kind === 'suspend' && state.Type === 'Wait') {
    // A Wait state's delay is checked, not spent.
    outcome = await runState(state, { ...sc, wake: { kind: 'timer' } as Wake, cursor: { ...cursor, untilKind: 'wait' } });
  }
  if (outcome.kind === 'suspend') throw new Error(`state ${state.Type} did not finish under TestState`);

  const result = await settle(state, sc, outcome, retryCount);
  const level = request.inspectionLevel ?? 'INFO';
  if (level !== 'INFO') {
    result.inspectionData = inspectionData(input, state, sc, recorded, result.errorDetails, result.variables ?? variables);
  }
  delete result.errorDetails;
  delete result.variables;
  return result;
}

type Settled = TestStateResult & { errorDetails?: InspectionErrorDetails; variables?: Variables };

/** Turns the state's outcome into TestState's status, applying Retry (reported only) and Catch. */
async function settle(state: State, sc: StateContext, outcome: Outcome, retryCount: number): Promise<Settled> {
  if (outcome.kind === 'exit') return leave(sc, outcome, 'SUCCEEDED');
  if (outcome.kind !== 'error') throw new Error(`unexpected outcome ${outcome.kind}`);
  const failed: Settled = withError({ status: 'FAILED' }, outcome);
  if (state.Type !== 'Task' && state.Type !== 'Parallel' && state.Type !== 'Map') return failed;

  const error = outcome.error ?? '';
  const details: InspectionErrorDetails = {};
  const retryIndex = state.Retry?.findIndex((r) => errorMatches(r.ErrorEquals, error)) ?? -1;
  if (retryIndex >= 0) {
    details.retryIndex = retryIndex;
    const attempts: number[] = [];
    attempts[retryIndex] = retryCount;
    const retry = decideRetry(state.Retry, attempts, error, () => 1);
    if (retry) {
      details.retryBackoffIntervalSeconds = retry.delayMs / 1000;
      return withError({ status: 'RETRIABLE', errorDetails: details }, outcome);
    }
  }
  const catcher = findCatcher(state.Catch, error);
  if (!catcher) return { ...failed, errorDetails: details };
  details.catchIndex = state.Catch!.indexOf(catcher);
  const errorOutput: Record<string, string> = {};
  if (outcome.error !== undefined) errorOutput.Error = outcome.error;
  if (outcome.cause !== undefined) errorOutput.Cause = outcome.cause;
  let caught: Outcome;
  try {
    caught = await catchExit(catcher, sc, errorOutput);
  } catch (e) {
    return { ...withError({ status: 'FAILED' }, errorOutcome(e, sc.cursor)), errorDetails: details };
  }
  if (caught.kind !== 'exit') return { ...withError({ status: 'FAILED' }, caught as { error?: string; cause?: string }), errorDetails: details };
  const left = await leave(sc, caught, 'CAUGHT_ERROR');
  if (left.status !== 'CAUGHT_ERROR') return { ...left, errorDetails: details };
  return { ...withError(left, outcome), errorDetails: details };
}

/** Leaving the state: its assignments take effect (limits apply) and the output is reported. */
async function leave(sc: StateContext, outcome: Outcome & { kind: 'exit' }, status: TestStatus): Promise<Settled> {
  let variables: Variables | undefined;
  if (outcome.assigned) {
    try {
      variables = applyAssignment(sc.cursor.variables, undefined, outcome.assigned, sc.cursor.state);
    } catch (e) {
      if (!(e instanceof StatesError)) throw e;
      return { status: 'FAILED', error: e.error, cause: e.cause };
    }
  }
  const settled: Settled = { status, output: JSON.stringify(outcome.output) };
  if (outcome.next !== undefined) settled.nextState = outcome.next;
  if (variables !== undefined) settled.variables = variables;
  return settled;
}

function withError<T extends Settled>(target: T, failure: { error?: string; cause?: string }): T {
  if (failure.error !== undefined) target.error = failure.error;
  if (failure.cause !== undefined) target.cause = failure.cause;
  return target;
}

async function runState(state: State, sc: StateContext): Promise<Outcome> {
  try {
    return await runStateType(state, sc);
  } catch (e) {
    // No history exists, so causes name no event: AWS reports the bare cause.
    if (!(e instanceof StatesError)) throw e;
    const outcome: Outcome = { kind: 'error', error: e.error, cause: e.cause };
    return outcome;
  }
}

function inspectionData(
  input: unknown,
  state: State,
  sc: StateContext,
  recorded: Partial<Record<InspectionField, unknown>>,
  errorDetails: InspectionErrorDetails | undefined,
  variables: Variables,
): InspectionData {
  const data: Record<string, unknown> = { input: JSON.stringify(input) };
  // A Fail state reads its input as it is; AWS still reports the (identity) InputPath step.
  if (state.Type === 'Fail' && sc.language === 'JSONPath') data.afterInputPath = JSON.stringify(input);
  for (const [field, value] of Object.entries(recorded) as [InspectionField, unknown][]) {
    data[field] = NUMERIC_FIELDS.has(field) ? value : JSON.stringify(value ?? null);
  }
  if (Object.keys(variables).length > 0) data.variables = JSON.stringify(variables);
  if (errorDetails && Object.keys(errorDetails).length > 0) data.errorDetails = errorDetails;
  return data as InspectionData;
}

// ---- the request: definition, state, mock, input, variables, context -------------------------

type Container = { States?: Record<string, State> };

/** The definition (a full machine, or one state that runs as `StateName`) and the state to test. */
function resolveState(text: string, stateName: string | undefined): { definition: StateMachineDefinition; state: State } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const lone = isObject(parsed) && !('States' in parsed) && !('StartAt' in parsed);
  const machineText = lone ? JSON.stringify({ StartAt: TEST_STATE_NAME, States: { [TEST_STATE_NAME]: parsed } }) : text;
  // A lone state's transitions lead outside what was sent: they are not checked.
  const outside = new Set(['MISSING_TRANSITION_TARGET', 'MISSING_END_STATE']);
  const errors = validateDefinition(machineText).filter((d) => d.severity === 'ERROR' && !(lone && outside.has(d.code)));
  if (errors.length > 0 || !isObject(parsed)) throw new InvalidDefinition(invalidDefinitionMessage(text, errors));
  const definition = JSON.parse(machineText) as StateMachineDefinition;
  if (lone || stateName === undefined) {
    const start = definition.States[definition.StartAt];
    if (!start) throw new ValidationException('State not found in definition');
    return { definition, state: start };
  }
  const found = findState(definition, stateName);
  if (!found) throw new ValidationException('State not found in definition');
  return { definition, state: found };
}

/** A state by name anywhere in the machine: top level, Parallel branches, Map processors. */
function findState(scope: Container, name: string): State | undefined {
  const states = scope.States ?? {};
  if (Object.hasOwn(states, name)) return states[name];
  for (const state of Object.values(states)) {
    const children: Container[] =
      state.Type === 'Parallel' ? state.Branches : state.Type === 'Map' ? [(state.ItemProcessor ?? state.Iterator) as Container] : [];
    for (const child of children) {
      const found = child ? findState(child, name) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

/** The mock, checked as AWS checks it; Map and Parallel states cannot run without one. */
function checkMock(request: TestStateRequest, state: State): Mocked | undefined {
  const { mock } = request;
  if (!mock || (mock.result === undefined && mock.errorOutput === undefined)) {
    if (state.Type === 'Map' || state.Type === 'Parallel') {
      throw new InvalidDefinition(
        'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]',
      );
    }
    // Nothing would ever answer such a Task here. AWS's wording for this case was not found; ours
    // follows its Map and Parallel message.
    if (state.Type === 'Task' && (/^arn:[^:]+:states:[^:]*:[^:]*:activity:/.test(state.Resource) || waitsForCallback(state))) {
      throw new InvalidDefinition(
        'TestState API does not support Activity tasks, or the .sync and .waitForTaskToken service integration patterns, without a mock.',
      );
    }
    return undefined;
  }
  if (mock.result !== undefined && mock.errorOutput !== undefined) {
    throw new ValidationException('A test mock should have only one of the following fields: [result, errorOutput].');
  }
  if (request.revealSecrets) throw new ValidationException('TestState does not support RevealSecrets when a mock is specified.');
  if (!MOCKABLE.has(state.Type)) throw new ValidationException(`State type '${state.Type}' is not supported when a mock is specified`);
  if (mock.errorOutput !== undefined) {
    const failure: Mocked = { kind: 'error' };
    if (mock.errorOutput.error !== undefined) failure.error = mock.errorOutput.error;
    if (mock.errorOutput.cause !== undefined) failure.cause = mock.errorOutput.cause;
    return failure;
  }
  let result: unknown;
  try {
    result = JSON.parse(mock.result!);
  } catch {
    throw new ValidationException('Mocked result must be valid JSON');
  }
  if (state.Type === 'Task') {
    const shape = outputShapeOf(state.Resource);
    const problem = shape && mockResultProblem(result, shape, mock.fieldValidationMode ?? 'STRICT');
    if (problem) throw new ValidationException(`Mock result schema validation error: ${problem}`);
  }
  if (state.Type === 'Parallel') {
    if (!Array.isArray(result)) throw new ValidationException('Mocked result must be an array.');
    if (result.length !== state.Branches.length) {
      throw new ValidationException('Mocked result must contain the same number of items as number of Parallel branches.');
    }
  }
  const mocked: Mocked = { kind: 'result', result };
  if (state.Type === 'Map') {
    if ((state as MapState).ResultWriter !== undefined) {
      if (!isObject(result)) throw new ValidationException('Mocked result must be a JSON object.');
    } else if (!Array.isArray(result)) {
      throw new ValidationException('Mocked result must be an array.');
    }
    const failures = request.stateConfiguration?.mapIterationFailureCount;
    if (failures !== undefined) {
      if (Array.isArray(result) && failures > result.length) {
        throw new ValidationException('Map iteration failure count must be less than or equal to the number of Map iterations');
      }
      mocked.failedIterations = failures;
    }
  }
  return mocked;
}

function parseInput(text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InvalidExecutionInput(`Invalid State Machine Execution Input: '${(e as Error).message}'`);
  }
}

function parseVariables(text: string | undefined): Variables {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValidationException('Variables must be a valid JSON object');
  }
  if (!isObject(value)) throw new ValidationException('Variables must be a valid JSON object');
  return value;
}

/** What a context object may hold, field by field, and the type each value must have. */
const CONTEXT_FIELDS: Record<string, Record<string, 'string' | 'number' | 'any'>> = {
  Execution: { Id: 'string', Input: 'any', Name: 'string', RoleArn: 'string', StartTime: 'string', RedriveCount: 'number', RedriveTime: 'string' },
  State: { EnteredTime: 'string', Name: 'string', RetryCount: 'number' },
  StateMachine: { Id: 'string', Name: 'string' },
  Task: { Token: 'string' },
};

/** A caller's context object, checked as AWS checks it. */
function checkContext(text: string, state: State): Record<string, unknown> {
  const invalid = (why: string) => new ValidationException(`Invalid Context object provided: ${why}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid('Context object must be a valid JSON object');
  }
  if (!isObject(value)) throw invalid('Context object must be a valid JSON object');
  for (const [key, section] of Object.entries(value)) {
    if (key === 'Map') throw invalid("'Map' field is not supported when mocking a Context object");
    const fields = CONTEXT_FIELDS[key];
    if (!fields) throw invalid(`Field '${key}' is not allowed`);
    if (!isObject(section)) throw invalid(`${key} must be an object`);
    for (const [field, fieldValue] of Object.entries(section)) {
      const type = fields[field];
      if (!type) throw invalid(`Field '${field}' is not allowed`);
      if (type !== 'any' && typeof fieldValue !== type) throw invalid(`${key}.${field} must be a ${type}`);
    }
  }
  if ('Task' in value && !waitsForCallback(state)) {
    throw invalid("Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern");
  }
  return value;
}

function waitsForCallback(state: State): state is TaskState {
  return state.Type === 'Task' && /\.(sync(:\d+)?|waitForTaskToken)$/.test(state.Resource);
}

/** The express execution a tested state appears to run in, as AWS makes one up. */
function syntheticExecution(request: TestStateRequest, env: TestStateEnvironment, input: unknown): ExecutionInfo {
  const partition = env.partition ?? 'aws';
  const machine = env.newId();
  const name = env.newId();
  const prefix = `arn:${partition}:states:${env.region}:${env.accountId}`;
  return {
    arn: `${prefix}:express:${machine}:${name}:${env.newId()}`,
    name,
    stateMachineArn: `${prefix}:stateMachine:${machine}`,
    stateMachineName: machine,
    roleArn: request.roleArn ?? '',
    startTime: env.now,
    input: JSON.stringify(input),
    redriveCount: 0,
    express: true,
  };
}

function defaultContext(execution: ExecutionInfo, cursor: Cursor, state: State, roleArn: string | undefined, env: TestStateEnvironment): Record<string, unknown> {
  const retryable = state.Type === 'Task' || state.Type === 'Parallel' || state.Type === 'Map';
  const token = waitsForCallback(state) ? env.newId() : undefined;
  const context = contextObject(execution, cursor, token, retryable);
  (context.Execution as Record<string, unknown>).RoleArn = roleArn ?? null;
  return context;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
