import { randomUUID } from 'node:crypto';
import {
  ApiError,
  executionArn,
  checkExecutionInput,
  parseArnOf,
  assertValidName,
  ExecutionAlreadyExists,
  StateMachineDoesNotExist,
  ValidationException,
  type TaskIntegration,
} from '@redstep/core';
import {
  childAnswer,
  childNameFromNonce,
  decodeTaskToken,
  sameScope,
  scopedName,
  scopeOfArn,
  startExecutionRecord,
  stopExecution,
  type Outbox,
  type StartDeps,
  type StartTarget,
  type VersionStore,
} from '@redstep/store';
import { failed, requestObject, type Integration, type InvokeCall, type InvokeResult } from './types.js';


export interface StatesDeps extends StartDeps {
  versions: VersionStore;
  outbox: Outbox;
  now?: () => number;
}

/**
 * Nested executions: `arn:aws:states:::states:startExecution` starts an execution of one of
 * RedStep's own state machines (StateMachineArn, Input, Name). Request-response answers with
 * StartExecution's response; `.sync` / `.sync:2` wait until the child closes (the child's close
 * answers the parent's task, see `notifyParent`); `.waitForTaskToken` waits for SendTaskSuccess.
 */
export class StatesIntegration implements Integration {
  readonly patterns = ['sync', 'sync2', 'callback'] as const;

  constructor(private readonly deps: StatesDeps) {}

  async invoke(call: InvokeCall): Promise<InvokeResult> {
    const { integration } = call.task;
    if (integration.action !== 'startExecution') return failed('States.Runtime', `The resource '${call.task.resource}' is not supported by this service.`);
    const nonce = decodeTaskToken(call.task.token)!.nonce;
    let parsed: StartExecutionParams;
    try {
      parsed = startExecutionParams(call.request, nonce);
    } catch (e) {
      return asFailure(e);
    }
    try {
      const target = await this.target(parsed.stateMachineArn, call.execution.arn);
      const arn = executionArn(parseArnOf(target.stateMachineArn, 'stateMachine').scope, target.stateMachineName, parsed.name);
      const outcome = await startExecutionRecord(this.deps, {
        target,
        arn,
        name: parsed.name,
        input: parsed.input,
        now: (this.deps.now ?? Date.now)(),
        origin: `task:${nonce}`,
        parent: { arn: call.execution.arn, nonce, pattern: integration.pattern },
      });
      if (outcome.kind === 'exists') throw new ExecutionAlreadyExists(`Execution Already Exists: '${arn}'`);
      const started = startResponse(arn, outcome.startDate);
      if (integration.pattern === 'sync' || integration.pattern === 'sync2') {
        // Linked, the parent stops the child if it stops waiting; if it already has, stop it now.
        if (!(await this.deps.executions.linkChild(call.execution.arn, nonce, arn))) {
          await stopExecution({ executions: this.deps.executions, outbox: this.deps.outbox, now: this.deps.now ?? Date.now }, arn);
          return { kind: 'pending', output: started };
        }
        // The child may have closed already (a fast child, a replayed job): answer now.
        const child = await this.deps.executions.load(arn);
        const answer = child && childAnswer(child, integration.pattern);
        return answer ? { ...answer, submitted: started } : { kind: 'pending', output: started };
      }
      return { kind: 'succeeded', output: started };
    } catch (e) {
      return asFailure(e);
    }
  }

  /**
   * A state machine or version ARN, as StartExecution resolves it for the parent's account and
   * region: one of another names nothing the parent can start.
   */
  private async target(arn: string, parentArn: string): Promise<StartTarget> {
    const parsed = parseArnOf(arn, 'stateMachine', 'stateMachineVersion');
    const missing = () => new StateMachineDoesNotExist(`State Machine Does Not Exist: '${arn}'`);
    if (!sameScope(arn, parentArn)) throw missing();
    const key = scopedName(scopeOfArn(parentArn), parsed.name);
    const sm = await this.deps.stateMachines.get(key);
    if (!sm) throw missing();
    if (parsed.kind === 'stateMachine') {
      if (sm.arn !== arn) throw missing();
      return { stateMachineArn: sm.arn, stateMachineName: sm.name, definitionSha: sm.definitionSha, roleArn: sm.roleArn };
    }
    const version = await this.deps.versions.get(key, parsed.version);
    if (!version) throw missing();
    return { stateMachineArn: sm.arn, stateMachineName: sm.name, definitionSha: version.sha, roleArn: version.role, versionArn: arn };
  }
}

export interface StartExecutionParams {
  stateMachineArn: string;
  name: string;
  input: string;
}

/**
 * The Task's StartExecution parameters: Input as JSON text (an object or other value is
 * serialized, a string is the input text itself, none is `{}`); Name defaults to the parent
 * task's nonce as a UUID. Throws the API error StartExecution would answer.
 */
export function startExecutionParams(request: unknown, nonce: string): StartExecutionParams {
  const p = requestObject(request);
  if (!p || typeof p.StateMachineArn !== 'string') {
    throw new ValidationException("1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null");
  }
  let input: string;
  if (p.Input === undefined || p.Input === null) input = '{}';
  else if (typeof p.Input === 'string') input = p.Input;
  else input = JSON.stringify(p.Input);
  checkExecutionInput(input);
  let name: string;
  if (p.Name === undefined) name = childNameFromNonce(nonce);
  else if (typeof p.Name === 'string') name = p.Name;
  else throw new ValidationException("1 validation error detected: Value at 'name' failed to satisfy constraint: Member must be a string");
  assertValidName(name, 'execution');
  return { stateMachineArn: p.StateMachineArn, name, input };
}

/** StartExecution's response as the Task's result (PascalCase, StartDate in epoch milliseconds, SDK metadata). */
export function startResponse(arn: string, startDate: number, requestId: string = randomUUID()): Record<string, unknown> {
  return {
    ExecutionArn: arn,
    SdkHttpMetadata: {
      HttpHeaders: { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': requestId },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StartDate: startDate,
  };
}

/** An API error as the Task's failure: `StepFunctions.<Code>Exception` with the SDK's cause text. */
export function apiFailure(code: string, message: string, requestId: string = randomUUID()): InvokeResult {
  const error = `StepFunctions.${code.endsWith('Exception') ? code : `${code}Exception`}`;
  return failed(error, `${message} (Service: AWSStepFunctions; Status Code: 400; Error Code: ${code}; Request ID: ${requestId}; Proxy: null)`);
}

function asFailure(e: unknown): InvokeResult {
  if (e instanceof ApiError) return apiFailure(e.code, e.message);
  throw e;
}

/** The patterns the Task may use (request-response is always there). */
export type StatesPattern = TaskIntegration['pattern'];
