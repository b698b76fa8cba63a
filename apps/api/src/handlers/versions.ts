import {
  ConflictException,
  parseArnOf,
  ServiceQuotaExceededException,
  StateMachineDoesNotExist,
  stateMachineAliasArn,
  stateMachineArn,
  stateMachineVersionArn,
  type ArnScope,
} from '@redstep/core';
import type { StateMachineHead, StateMachineRecord, VersionRecord } from '@redstep/store';
import { epochSeconds, type ApiContext } from '../context.js';
import { defined, describeMachine } from './describe-machine.js';
import { arns, optStr, page, pageToken, str } from './common.js';
import { requireStateMachine } from './state-machines.js';

type Body = Record<string, unknown>;

/** AWS allows this many versions per state machine. */
export const MAX_VERSIONS = 1000;


export function scopeOf(ctx: ApiContext): ArnScope {
  return ctx.scope;
}

export const versionArnOf = (ctx: ApiContext, machine: string, n: number) => stateMachineVersionArn(scopeOf(ctx), machine, n);
export const aliasArnOf = (ctx: ApiContext, machine: string, alias: string) => stateMachineAliasArn(scopeOf(ctx), machine, alias);

const doesNotExist = (arn: string) => new StateMachineDoesNotExist(`State Machine Does Not Exist: '${arn}'`);

/**
 * Publishes the machine's current revision (or answers the version already published from it).
 * `expectedRevision` as given by the caller: 'INITIAL' names the machine's first revision.
 */
export async function publishVersion(
  ctx: ApiContext,
  sm: StateMachineRecord,
  opts: { expectedRevision?: string; description?: string },
): Promise<VersionRecord> {
  const expected = opts.expectedRevision === 'INITIAL' ? '' : opts.expectedRevision;
  const res = await ctx.versions.publish(arns(ctx).key(sm.name), sm.arn, {
    ...(expected !== undefined ? { expectedRevision: expected } : {}),
    ...(opts.description !== undefined ? { description: opts.description } : {}),
    now: ctx.now(),
    max: MAX_VERSIONS,
  });
  switch (res.kind) {
    case 'created':
    case 'exists':
      return res.version;
    case 'conflict':
      throw new ConflictException(
        `Failed to publish the State Machine version for revision ${opts.expectedRevision}. The current State Machine revision is ${res.currentRevision || 'INITIAL'}.`,
      );
    case 'quota':
      throw new ServiceQuotaExceededException(
        `Failed to publish the State Machine version: the state machine '${sm.arn}' already has the maximum of ${MAX_VERSIONS} versions. Delete unused versions with DeleteStateMachineVersion.`,
      );
    default:
      throw doesNotExist(sm.arn);
  }
}

/** What StartExecution runs for a state machine, version or alias ARN. */
export interface ExecutionTarget {
  sm: StateMachineHead;
  definitionSha: string;
  roleArn: string;
  versionArn?: string;
  aliasArn?: string;
}

/** The machine a qualified ARN names, or StateMachineDoesNotExist naming the ARN as given. */
async function baseMachine(ctx: ApiContext, name: string, scope: ArnScope, arn: string): Promise<StateMachineRecord> {
  const a = arns(ctx);
  return checkBase(a.owned(arn) ? await ctx.stateMachines.get(a.key(name)) : undefined, name, scope, arn);
}

function checkBase<T extends StateMachineHead>(sm: T | undefined, name: string, scope: ArnScope, arn: string): T {
  if (!sm || sm.arn !== stateMachineArn(scope, name)) throw doesNotExist(arn);
  return sm;
}

/**
 * Resolves StartExecution's stateMachineArn: the machine's current revision, a version, or an
 * alias (one of its routes, picked at random by weight).
 */
export async function resolveExecutionTarget(ctx: ApiContext, arn: string): Promise<ExecutionTarget> {
  const parsed = parseArnOf(arn, 'stateMachine', 'stateMachineVersion', 'stateMachineAlias');
  const a = arns(ctx);
  const head = a.owned(arn) ? await ctx.stateMachines.head(a.key(parsed.name)) : undefined;
  if (parsed.kind === 'stateMachine') {
    if (!head || head.arn !== arn) throw new StateMachineDoesNotExist(`State Machine Does Not Exist: '${arn}'`);
    return { sm: head, definitionSha: head.definitionSha, roleArn: head.roleArn };
  }
  const sm = checkBase(head, parsed.name, parsed.scope, arn);
  let n: number;
  let aliasArn: string | undefined;
  if (parsed.kind === 'stateMachineVersion') {
    n = parsed.version;
  } else {
    const alias = await ctx.aliases.get(a.key(sm.name), parsed.alias);
    if (!alias) throw doesNotExist(arn);
    n = pickRoute(alias.config.routes);
    aliasArn = aliasArnOf(ctx, sm.name, parsed.alias);
  }
  const version = await ctx.versions.get(a.key(sm.name), n);
  if (!version) throw doesNotExist(arn);
  const target: ExecutionTarget = { sm, definitionSha: version.sha, roleArn: version.role, versionArn: versionArnOf(ctx, sm.name, n) };
  if (aliasArn) target.aliasArn = aliasArn;
  return target;
}

/** A weighted random pick: a route of weight w is taken w% of the time. */
export function pickRoute(routes: { v: number; w: number }[]): number {
  let roll = Math.random() * 100;
  for (const r of routes) {
    if (roll < r.w) return r.v;
    roll -= r.w;
  }
  return routes.filter((r) => r.w > 0).at(-1)?.v ?? routes[0]!.v;
}

/** DescribeStateMachine for a version ARN: that version's snapshot. */
export async function describeVersion(ctx: ApiContext, arn: string): Promise<Record<string, unknown>> {
  const parsed = parseArnOf(arn, 'stateMachineVersion');
  const sm = await baseMachine(ctx, parsed.name, parsed.scope, arn);
  const v = await ctx.versions.get(arns(ctx).key(sm.name), parsed.version);
  if (!v) throw doesNotExist(arn);
  const definition = (await ctx.stateMachines.getDefinition(v.sha)) ?? '';
  return describeMachine({
    arn: versionArnOf(ctx, sm.name, v.n),
    name: sm.name,
    type: sm.type,
    definition,
    roleArn: v.role,
    createdAt: v.created,
    ...defined({ logging: v.logging, tracing: v.tracing, revisionId: v.rev, description: v.desc }),
  });
}

export function publishStateMachineVersion(ctx: ApiContext) {
  return async (body: Body) => {
    const sm = await requireStateMachine(ctx, str(body, 'stateMachineArn'));
    const opts: { expectedRevision?: string; description?: string } = {};
    const revisionId = optStr(body, 'revisionId');
    const description = optStr(body, 'description');
    if (revisionId !== undefined) opts.expectedRevision = revisionId;
    if (description !== undefined) opts.description = description;
    const v = await publishVersion(ctx, sm, opts);
    return { creationDate: epochSeconds(v.created), stateMachineVersionArn: versionArnOf(ctx, sm.name, v.n) };
  };
}

export function listStateMachineVersions(ctx: ApiContext) {
  return async (body: Body) => {
    const arn = str(body, 'stateMachineArn');
    const parsed = parseArnOf(arn, 'stateMachine');
    const scope = `ListStateMachineVersions|${arn}`;
    const { offset, limit } = page(body, scope);
    const a = arns(ctx);
    const sm = a.owned(arn) ? await ctx.stateMachines.get(a.key(parsed.name)) : undefined;
    // The action declares no StateMachineDoesNotExist: a machine that is not there has no versions.
    if (!sm || sm.arn !== arn) return { stateMachineVersions: [] };
    const { items, more } = await ctx.versions.page(a.key(sm.name), offset, limit);
    const out: Record<string, unknown> = {
      stateMachineVersions: items.map((v) => ({ stateMachineVersionArn: versionArnOf(ctx, sm.name, v.n), creationDate: epochSeconds(v.created) })),
    };
    if (more) out.nextToken = pageToken(offset + limit, scope);
    return out;
  };
}

export function deleteStateMachineVersion(ctx: ApiContext) {
  return async (body: Body) => {
    const arn = str(body, 'stateMachineVersionArn');
    const parsed = parseArnOf(arn, 'stateMachineVersion');
    // Deleting a version that is not there succeeds, as on AWS.
    const a = arns(ctx);
    const sm = a.owned(arn) ? await ctx.stateMachines.get(a.key(parsed.name)) : undefined;
    if (!sm || sm.arn !== stateMachineArn(parsed.scope, parsed.name)) return {};
    const res = await ctx.versions.delete(a.key(sm.name), parsed.version);
    if (res.kind === 'conflict') {
      throw new ConflictException(
        `Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${res.aliases.join(', ')}]`,
      );
    }
    return {};
  };
}
