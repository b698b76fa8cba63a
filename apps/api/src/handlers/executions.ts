import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  checkExecutionInput,
  decodeNextToken,
  encodeNextToken,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
  MockConfig,
  parseArnOf,
  stateMachineArn,
  StateMachineDoesNotExist,
  ValidationException,
  type HistoryEvent,
} from '@redstep/core';
import { encodeEvent, startExecutionRecord, stopExecution as stopExecutionRecord, type ExecutionRecord, type StartRequest, type StartTarget } from '@redstep/store';
import { acknowledge, epochSeconds, type ApiContext } from '../context.js';
import { arns, checkName, optStr, page, pageToken, str } from './common.js';
import { DEFAULT_LOGGING, DEFAULT_TRACING } from './describe-machine.js';
import { requireStateMachine } from './state-machines.js';
import { resolveExecutionTarget } from './versions.js';
import { redriveStatus } from './redrive.js';
import { childEvents, childStateMachine, describeChild, findChild, listChildren, settleMapRunPointers, stopChild } from './map-children.js';

type Body = Record<string, unknown>;


/** The execution an ARN names; without its cursor unless asked (describing needs none). */
export async function requireExecution(ctx: ApiContext, arn: string, { cursor = false } = {}): Promise<ExecutionRecord> {
  const a = arns(ctx);
  a.parseExecution(arn);
  const rec = a.owned(arn) ? await ctx.executions.load(arn, { cursor }) : undefined;
  if (!rec) throw new ExecutionDoesNotExist(`Execution Does Not Exist: '${arn}'`);
  return rec;
}

export function startExecution(ctx: ApiContext) {
  return async (body: Body) => {
    const { arn: targetArn, testCase } = splitTestCase(str(body, 'stateMachineArn'));
    const target = await resolveExecutionTarget(ctx, targetArn);
    const sm = target.sm;
    if (testCase !== undefined) checkTestCase(ctx, sm.name, testCase);
    const name = optStr(body, 'name') ?? randomUUID();
    checkName(name);
    const input = optStr(body, 'input') ?? '{}';
    checkExecutionInput(input);
    // An EXPRESS machine's execution gets an express ARN: at-least-once, no history kept.
    const express = sm.type === 'EXPRESS';
    const arn = express ? arns(ctx).expressExecution(sm.name, name) : arns(ctx).execution(sm.name, name);
    const startTarget: StartTarget = { stateMachineArn: sm.arn, stateMachineName: sm.name, definitionSha: target.definitionSha, roleArn: target.roleArn };
    if (target.versionArn) startTarget.versionArn = target.versionArn;
    if (target.aliasArn) startTarget.aliasArn = target.aliasArn;
    const request: StartRequest = { target: startTarget, arn, name, input, now: ctx.now(), origin: randomUUID() };
    if (testCase !== undefined) request.testCase = testCase;
    const outcome = await startExecutionRecord(ctx, request);
    if (outcome.kind === 'exists') throw new ExecutionAlreadyExists(`Execution Already Exists: '${arn}'`);
    await acknowledge(ctx);
    if (outcome.kind === 'started') ctx.metrics.executionsStarted.inc({ state_machine: sm.name, type: express ? 'EXPRESS' : 'STANDARD' });
    return { executionArn: arn, startDate: epochSeconds(outcome.startDate) };
  };
}


/** `<stateMachineArn>#<TestCaseName>` runs the execution with the mock configuration's test case (as Step Functions Local). */
function splitTestCase(arn: string): { arn: string; testCase?: string } {
  const at = arn.indexOf('#');
  return at < 0 ? { arn } : { arn: arn.slice(0, at), testCase: arn.slice(at + 1) };
}

let mockConfig: { path: string; config: MockConfig } | undefined;

function checkTestCase(ctx: ApiContext, machine: string, testCase: string): void {
  const path = ctx.config.mockConfigPath;
  if (!path) throw new ValidationException(`Test case '${testCase}' needs a mock configuration file (SFN_MOCK_CONFIG), and none is configured`);
  if (mockConfig?.path !== path) mockConfig = { path, config: MockConfig.parse(readFileSync(path, 'utf8')) };
  if (!mockConfig.config.hasTestCase(machine, testCase)) {
    throw new ValidationException(`The mock configuration file defines no test case '${testCase}' for the state machine '${machine}'`);
  }
}

/**
 * How soon the reconciler looks at an execution changed outside a job (a stop, a redrive) should
 * the changing process die before carrying out what the change obliges.
 */
export const outsideJobGuardMs = (ctx: ApiContext) => Math.min(10_000, ctx.config.reconcileIdleMs);

export function describeExecution(ctx: ApiContext) {
  return async (body: Body) => {
    const child = await findChild(ctx, str(body, 'executionArn'));
    if (child) return describeChild(child);
    const rec = await requireExecution(ctx, str(body, 'executionArn'));
    // Read after write: once it shows closed, what the close obliges (its parent's notice, its
    // index entries) is done too, even if the closing process died before doing it.
    if (rec.outbox && rec.status !== 'RUNNING') await ctx.outbox.drain(rec.arn, rec.outbox);
    const out: Record<string, unknown> = {
      executionArn: rec.arn,
      stateMachineArn: rec.stateMachineArn,
      name: rec.name,
      status: rec.status,
      startDate: epochSeconds(rec.startDate),
      input: rec.input,
      inputDetails: { included: true },
      redriveCount: rec.redriveCount,
    };
    if (rec.stopDate !== undefined) out.stopDate = epochSeconds(rec.stopDate);
    if (rec.stateMachineVersionArn !== undefined) out.stateMachineVersionArn = rec.stateMachineVersionArn;
    if (rec.stateMachineAliasArn !== undefined) out.stateMachineAliasArn = rec.stateMachineAliasArn;
    if (rec.output !== undefined) {
      out.output = rec.output;
      out.outputDetails = { included: true };
    }
    if (rec.error !== undefined) out.error = rec.error;
    if (rec.cause !== undefined) out.cause = rec.cause;
    if (rec.redriveDate !== undefined) out.redriveDate = epochSeconds(rec.redriveDate);
    Object.assign(out, await redriveStatus(ctx, rec));
    return out;
  };
}

export function describeStateMachineForExecution(ctx: ApiContext) {
  return async (body: Body) => {
    const child = await findChild(ctx, str(body, 'executionArn'));
    if (child) {
      const machine = childStateMachine(child, (await ctx.stateMachines.getDefinition(child.parent.definitionSha)) ?? '{}');
      return { ...machine, loggingConfiguration: DEFAULT_LOGGING, tracingConfiguration: DEFAULT_TRACING };
    }
    const rec = await requireExecution(ctx, str(body, 'executionArn'));
    const definition = (await ctx.stateMachines.getDefinition(rec.definitionSha)) ?? '';
    const sm = await ctx.stateMachines.get(arns(ctx).key(rec.stateMachineName));
    return {
      stateMachineArn: rec.stateMachineArn,
      name: rec.stateMachineName,
      definition,
      roleArn: rec.roleArn,
      updateDate: epochSeconds(sm?.createdAt ?? rec.startDate),
      loggingConfiguration: sm?.loggingConfiguration ? JSON.parse(sm.loggingConfiguration) : DEFAULT_LOGGING,
      tracingConfiguration: sm?.tracingConfiguration ? JSON.parse(sm.tracingConfiguration) : DEFAULT_TRACING,
    };
  };
}

export function stopExecution(ctx: ApiContext) {
  return async (body: Body) => {
    const arn = str(body, 'executionArn');
    const detail: { error?: string; cause?: string } = {};
    const error = optStr(body, 'error');
    const cause = optStr(body, 'cause');
    if (error !== undefined) detail.error = error;
    if (cause !== undefined) detail.cause = cause;
    const a = arns(ctx);
    a.parseExecution(arn);
    if (!a.owned(arn)) throw new ExecutionDoesNotExist(`Execution Does Not Exist: '${arn}'`);
    const child = await findChild(ctx, arn);
    if (child) return { stopDate: epochSeconds(await stopChild(ctx, child, detail)) };
    // Should this process die between the stop and what it obliges, the reconciler comes soon.
    await ctx.running.lookSoon(arn, outsideJobGuardMs(ctx));
    const outcome = await stopExecutionRecord(ctx, arn, detail);
    if (!outcome) throw new ExecutionDoesNotExist(`Execution Does Not Exist: '${arn}'`);
    await acknowledge(ctx);
    return { stopDate: epochSeconds(outcome.stopDate) };
  };
}

export function listExecutions(ctx: ApiContext) {
  return async (body: Body) => {
    const smArn = optStr(body, 'stateMachineArn');
    const mapRunArn = optStr(body, 'mapRunArn');
    if (smArn !== undefined && mapRunArn !== undefined) throw new ValidationException('1 validation error detected: Only one of StateMachine ARN or MapRun ARN can be provided');
    if (mapRunArn !== undefined) return listChildren(ctx, body, mapRunArn);
    if (smArn === undefined) throw new ValidationException('1 validation error detected: Must provide a StateMachine ARN or MapRun ARN');
    const { smName, matches } = await listingTarget(ctx, smArn);
    const statusFilter = optStr(body, 'statusFilter');
    if (statusFilter === 'PENDING_REDRIVE') throw new ValidationException('1 validation error detected: PENDING_REDRIVE status filter requires a MapRun ARN');
    const redriveFilter = optStr(body, 'redriveFilter');
    const redriven = (rec: ExecutionRecord) => redriveFilter === undefined || (redriveFilter === 'REDRIVEN') === rec.redriveCount > 0;
    const scope = `ListExecutions|${smArn}|${statusFilter ?? ''}|${redriveFilter ?? ''}`;
    const { limit } = page({ maxResults: body.maxResults }, scope);
    const token = optStr(body, 'nextToken');
    let cursor = token === undefined ? 0 : await resumeListing(ctx, smName, token, scope);
    let last = '';
    const executions: Record<string, unknown>[] = [];
    let more = true;
    // Filtering by status reads ahead until the page is full or the index ends.
    while (executions.length < limit && more) {
      const batch = await ctx.stateMachines.executionNames(arns(ctx).key(smName), cursor, limit);
      let used = 0;
      // One pipelined read for the batch, not a round trip per execution.
      const records = await Promise.all(batch.members.map((name) => ctx.executions.load(arns(ctx).execution(smName, name), { cursor: false })));
      for (const [i, name] of batch.members.entries()) {
        if (executions.length === limit) break;
        used++;
        last = name;
        const rec = records[i];
        if (rec && matches(rec) && (!statusFilter || rec.status === statusFilter) && redriven(rec)) executions.push(listItem(rec));
      }
      cursor += used;
      more = batch.more || used < batch.members.length;
    }
    const out: Record<string, unknown> = { executions };
    if (more) out.nextToken = encodeNextToken({ o: cursor, n: last } satisfies ListCursor, { scope, now: Date.now() });
    return out;
  };
}

/**
 * ListExecutions takes a state machine ARN, or a version or alias ARN to list only the
 * executions started through it (a version also counts executions an alias routed to it).
 */
async function listingTarget(ctx: ApiContext, arn: string): Promise<{ smName: string; matches: (rec: ExecutionRecord) => boolean }> {
  const parsed = parseArnOf(arn, 'stateMachine', 'stateMachineVersion', 'stateMachineAlias');
  if (parsed.kind === 'stateMachine') {
    const { name } = await requireStateMachine(ctx, arn);
    return { smName: name, matches: () => true };
  }
  const a = arns(ctx);
  const sm = a.owned(arn) ? await ctx.stateMachines.get(a.key(parsed.name)) : undefined;
  if (!sm || sm.arn !== stateMachineArn(parsed.scope, parsed.name)) throw new StateMachineDoesNotExist(`State Machine Does Not Exist: '${arn}'`);
  if (parsed.kind === 'stateMachineVersion') return { smName: sm.name, matches: (rec) => rec.stateMachineVersionArn === arn };
  return { smName: sm.name, matches: (rec) => rec.stateMachineAliasArn === arn };
}

/** Where the previous page ended: its position then, and the last execution it looked at. */
interface ListCursor {
  o: number;
  n: string;
}

/**
 * Executions are listed newest first, so ones started since the previous page push it down.
 * The next page starts right after the last execution looked at, wherever that is now.
 */
async function resumeListing(ctx: ApiContext, smName: string, token: string, scope: string): Promise<number> {
  const c = decodeNextToken<ListCursor>(token, { scope, now: Date.now() });
  if (typeof c?.o !== 'number' || typeof c.n !== 'string') throw new InvalidToken("Invalid Token: 'Invalid nextToken'");
  const SCAN = 100;
  for (let pos = Math.max(0, c.o - 1); ; pos += SCAN) {
    const { members, more } = await ctx.stateMachines.executionNames(arns(ctx).key(smName), pos, SCAN);
    const i = members.indexOf(c.n);
    if (i >= 0) return pos + i + 1;
    if (!more) return c.o;
  }
}

function listItem(rec: ExecutionRecord): Record<string, unknown> {
  const item: Record<string, unknown> = {
    executionArn: rec.arn,
    stateMachineArn: rec.stateMachineArn,
    name: rec.name,
    status: rec.status,
    startDate: epochSeconds(rec.startDate),
  };
  if (rec.stopDate !== undefined) item.stopDate = epochSeconds(rec.stopDate);
  if (rec.stateMachineVersionArn !== undefined) item.stateMachineVersionArn = rec.stateMachineVersionArn;
  if (rec.stateMachineAliasArn !== undefined) item.stateMachineAliasArn = rec.stateMachineAliasArn;
  item.redriveCount = rec.redriveCount;
  if (rec.redriveDate !== undefined) item.redriveDate = epochSeconds(rec.redriveDate);
  return item;
}

export function getExecutionHistory(ctx: ApiContext) {
  return async (body: Body) => {
    const arn = str(body, 'executionArn');
    // A map run's child keeps its history beside its record; an execution, in a list of its own.
    const child = await findChild(ctx, arn);
    const kept = child && childEvents(child).map((e) => JSON.stringify(e));
    if (!kept) await settleMapRunPointers(ctx, await requireExecution(ctx, arn));
    const historyLength = async () => (kept ? kept.length : ctx.executions.historyLength(arn));
    const historyRange = async (from: number, to: number) => (kept ? kept.slice(from, to + 1) : ctx.executions.historyRange(arn, from, to));
    const reverse = body.reverseOrder === true;
    const includeData = body.includeExecutionData !== false;
    const scope = `GetExecutionHistory|${arn}|${reverse}`;
    // The cursor is an absolute position in the history (for reverse order, the end of the next
    // page), so events appended by a running execution between pages shift nothing.
    const { offset, limit } = page(body, scope);
    const total = await historyLength();
    let texts: string[];
    let next: number;
    if (reverse) {
      const end = body.nextToken === undefined ? total : offset;
      texts = end > 0 ? (await historyRange(Math.max(0, end - limit), end - 1)).reverse() : [];
      next = end - texts.length;
    } else {
      texts = await historyRange(offset, offset + limit - 1);
      next = offset + texts.length;
    }
    const events = texts.map((t) => renderEvent(JSON.parse(t) as HistoryEvent, includeData));
    const out: Record<string, unknown> = { events };
    if (reverse ? next > 0 : next < total) out.nextToken = pageToken(next, scope);
    return out;
  };
}

/** Stored events keep epoch ms; the API shows epoch seconds and, on request, no payloads. */
function renderEvent(e: HistoryEvent, includeData: boolean): HistoryEvent {
  const out: HistoryEvent = { ...e, timestamp: epochSeconds(e.timestamp) };
  if (!includeData) {
    for (const [k, v] of Object.entries(out)) {
      if (k.endsWith('EventDetails') && v && typeof v === 'object') {
        const d = { ...(v as Record<string, unknown>) };
        delete d.input;
        delete d.output;
        out[k] = d;
      }
    }
  }
  return out;
}

export { encodeEvent };
