import { randomBytes, randomUUID } from 'node:crypto';
import { setImmediate as setImmediatePromise, setTimeout as sleep } from 'node:timers/promises';
import {
  checkExecutionInput,
  expressExecutionArn,
  StateMachineDoesNotExist,
  StateMachineTypeNotSupported,
  step,
  type Closing,
  type Cursor,
  type ExecutionInfo,
  type FrameSuspension,
  type StateMachineDefinition,
  type Wake,
} from '@redstep/core';
import { epochSeconds, type ApiContext } from '../context.js';
import { checkName, optStr, str } from './common.js';
import { resolveExecutionTarget } from './versions.js';

type Body = Record<string, unknown>;

/** AWS ends a synchronous Express execution after five minutes. */
const SYNC_LIMIT_MS = 5 * 60_000;

/**
 * StartSyncExecution: an EXPRESS execution run to its end inside the request, through the
 * same interpreter as the worker. Express executions keep no history (as on AWS), so nothing
 * is written to Redis; the caller holds the result.
 */
export function startSyncExecution(ctx: ApiContext) {
  return async (body: Body) => {
    const target = await resolveExecutionTarget(ctx, str(body, 'stateMachineArn'));
    const sm = target.sm;
    if (sm.type !== 'EXPRESS') {
      throw new StateMachineTypeNotSupported('This operation is not supported by this type of state machine');
    }
    const name = optStr(body, 'name') ?? randomUUID();
    checkName(name, 'execution');
    const input = optStr(body, 'input') ?? '{}';
    checkExecutionInput(input);
    const execution: ExecutionInfo = {
      arn: expressExecutionArn(ctx.scope, sm.name, name, randomUUID()),
      name,
      stateMachineArn: sm.arn,
      stateMachineName: sm.name,
      roleArn: target.roleArn,
      startTime: ctx.now(),
      input,
      redriveCount: 0,
      express: true,
    };
    const labels = { state_machine: sm.name, type: 'EXPRESS' };
    ctx.metrics.executionsStarted.inc(labels);
    // The revision, version or alias target's definition, parsed once per content hash.
    const loaded = await ctx.definitions.get(target.definitionSha);
    if (!loaded) throw new StateMachineDoesNotExist(`State Machine Does Not Exist: '${sm.arn}'`);
    const closing = await runToEnd(loaded.definition, execution, ctx);
    const stop = ctx.now();
    observeExpress(ctx, labels, closing.status, (stop - execution.startTime) / 1000);
    const out: Record<string, unknown> = {
      executionArn: execution.arn,
      stateMachineArn: sm.arn,
      name,
      startDate: epochSeconds(execution.startTime),
      stopDate: epochSeconds(stop),
      status: closing.status,
      input,
      inputDetails: { included: true },
      billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: Math.max(100, Math.ceil((stop - execution.startTime) / 100) * 100) },
    };
    if (closing.output !== undefined) {
      out.output = closing.output;
      out.outputDetails = { included: true };
    }
    if (closing.error !== undefined) out.error = closing.error;
    if (closing.cause !== undefined) out.cause = closing.cause;
    return out;
  };
}

async function runToEnd(definition: StateMachineDefinition, execution: ExecutionInfo, ctx: ApiContext): Promise<Closing> {
  const deadline = execution.startTime + SYNC_LIMIT_MS;
  let cursor: Cursor | undefined;
  let wake: Wake = { kind: 'start' };
  let lastEventId = 1;
  // Frames waiting, as the steps reported them; the next wake goes to the most urgent.
  let waiting: FrameSuspension[] = [];
  for (;;) {
    const now = ctx.now();
    if (now >= deadline) return { status: 'TIMED_OUT', error: 'States.Timeout' };
    const base = { definition, execution, lastEventId, wake, now };
    const result = await step(cursor ? { ...base, cursor } : base, { newToken: () => randomBytes(32).toString('base64url') });
    if (result.closing) return result.closing;
    lastEventId += result.events.length;
    cursor = result.cursor;
    const woken = wake.path ?? [];
    waiting = [...waiting.filter((w) => !isWithin(w.path, woken)), ...result.suspensions];
    if (waiting.some((w) => w.suspension.kind === 'activity')) {
      // Express machines cannot reference activities (the definition check refuses them).
      return { status: 'FAILED', error: 'States.Runtime', cause: 'Activities are not supported by EXPRESS state machines.' };
    }
    const next = waiting.reduce((a, b) => (at(b) < at(a) ? b : a));
    // A Wait or a retry backoff: the request itself waits, bounded by the five-minute limit.
    const delay = Math.min(at(next), deadline) - ctx.now();
    // Otherwise still a turn of the event loop: a long run of steps must not hold every other request.
    await (delay > 0 ? sleep(delay) : setImmediatePromise());
    wake = { kind: next.suspension.kind === 'timer' ? 'timer' : 'continue', path: next.path };
  }
}

/** When a waiting frame is due: timers at their time, everything else now. */
const at = (w: FrameSuspension) => (w.suspension.kind === 'timer' ? w.suspension.at : 0);

/** Whether `path` is `prefix` or inside it: a woken frame's old suspensions are replaced by the step's. */
function isWithin(path: number[], prefix: number[]): boolean {
  return prefix.every((index, i) => path[i] === index);
}

const CLOSED = { SUCCEEDED: 'executionsSucceeded', FAILED: 'executionsFailed', ABORTED: 'executionsAborted', TIMED_OUT: 'executionsTimedOut' } as const;

function observeExpress(ctx: ApiContext, labels: { state_machine: string; type: string }, status: Closing['status'], seconds: number): void {
  const m = ctx.metrics;
  m[CLOSED[status]].inc(labels);
  m.executionTime.observe({ ...labels, status }, seconds);
  m.expressExecutions.inc({ state_machine: labels.state_machine, status });
}
