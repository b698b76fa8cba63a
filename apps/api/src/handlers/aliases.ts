import {
  ConflictException,
  InvalidArn,
  parseArnOf,
  ResourceNotFound,
  ServiceQuotaExceededException,
  StateMachineDoesNotExist,
  stateMachineArn,
  ValidationException,
  type ArnOf,
} from '@redstep/core';
import type { AliasConfig, AliasRecord } from '@redstep/store';
import { epochSeconds, type ApiContext } from '../context.js';
import { arns, optStr, page, pageToken, str } from './common.js';
import { aliasArnOf, versionArnOf } from './versions.js';

type Body = Record<string, unknown>;

/** AWS allows this many aliases per state machine. */
export const MAX_ALIASES = 100;

interface RoutingItem {
  stateMachineVersionArn: string;
  weight: number;
}

const notFound = (arn: string) => new ResourceNotFound('Request references a resource that does not exist.', arn);

/**
 * Checks a routingConfiguration as AWS does (version ARNs only, distinct, weights summing to 100,
 * one machine) and answers the machine's name and the routes as version numbers.
 */
function checkRouting(ctx: ApiContext, items: RoutingItem[]): { machine: string; routes: AliasConfig['routes'] } {
  const arnList = items.map((r) => r.stateMachineVersionArn);
  const received = `[${arnList.join(', ')}]`;
  const parsed: ArnOf<'stateMachineVersion'>[] = [];
  for (const arn of arnList) {
    let p: ArnOf<'stateMachineVersion'> | undefined;
    try {
      p = parseArnOf(arn, 'stateMachineVersion');
    } catch (e) {
      if (!(e instanceof InvalidArn)) throw e;
    }
    if (!p) throw new ValidationException(`Routing configuration must contain state machine version ARNs. Received: ${received}`);
    parsed.push(p);
  }
  if (new Set(arnList).size !== arnList.length) {
    throw new ValidationException(`Routing configuration must contain distinct state machine version ARNs. Received: ${received}`);
  }
  const weights = items.map((r) => r.weight);
  if (weights.reduce((a, b) => a + b, 0) !== 100) {
    throw new ValidationException(`Sum of routing configuration weights must equal 100. Received: [${weights.join(', ')}]`);
  }
  const machine = parsed[0]!.name;
  if (parsed.some((p) => p.name !== machine || stateMachineArn(p.scope, p.name) !== stateMachineArn(parsed[0]!.scope, machine))) {
    throw new ValidationException(`Routing configuration must contain state machine version ARNs of the same state machine. Received: ${received}`);
  }
  // A version ARN of another account is refused; of another region, names nothing here.
  for (const [i, p] of parsed.entries()) if (!arns(ctx).owned(arnList[i]!) || versionArnOf(ctx, machine, p.version) !== arnList[i]) throw notFound(arnList[i]!);
  return { machine, routes: parsed.map((p, i) => ({ v: p.version, w: weights[i]! })) };
}

function routingOut(ctx: ApiContext, machine: string, config: AliasConfig): RoutingItem[] {
  return config.routes.map((r) => ({ stateMachineVersionArn: versionArnOf(ctx, machine, r.v), weight: r.w }));
}

/** The alias an alias ARN names, or ResourceNotFound. */
async function requireAlias(ctx: ApiContext, arn: string): Promise<{ machine: string; alias: AliasRecord }> {
  const parsed = parseArnOf(arn, 'stateMachineAlias');
  const a = arns(ctx);
  const alias = a.owned(arn) && aliasArnOf(ctx, parsed.name, parsed.alias) === arn ? await ctx.aliases.get(a.key(parsed.name), parsed.alias) : undefined;
  if (!alias) throw notFound(arn);
  return { machine: parsed.name, alias };
}

export function createStateMachineAlias(ctx: ApiContext) {
  return async (body: Body) => {
    const name = str(body, 'name');
    const description = optStr(body, 'description');
    const { machine, routes } = checkRouting(ctx, body.routingConfiguration as RoutingItem[]);
    const config: AliasConfig = description === undefined ? { routes } : { d: description, routes };
    const arn = aliasArnOf(ctx, machine, name);
    const res = await ctx.aliases.create(arns(ctx).key(machine), name, config, ctx.now(), MAX_ALIASES);
    switch (res.kind) {
      case 'created':
      case 'same':
        return { stateMachineAliasArn: arn, creationDate: epochSeconds(res.date) };
      case 'conflict':
        throw new ConflictException('Failed to create alias because an alias with the same name and a different routing configuration already exists.');
      case 'quota':
        throw new ServiceQuotaExceededException(
          `Failed to create alias: the state machine '${stateMachineArnOf(ctx, machine)}' already has the maximum of ${MAX_ALIASES} aliases.`,
        );
      case 'noversion':
        throw notFound(versionArnOf(ctx, machine, res.version));
      default:
        throw notFound(stateMachineArnOf(ctx, machine));
    }
  };
}

const stateMachineArnOf = (ctx: ApiContext, machine: string) => stateMachineArn(ctx.scope, machine);

export function describeStateMachineAlias(ctx: ApiContext) {
  return async (body: Body) => {
    const arn = str(body, 'stateMachineAliasArn');
    const { machine, alias } = await requireAlias(ctx, arn);
    const out: Record<string, unknown> = {
      stateMachineAliasArn: arn,
      name: alias.name,
      routingConfiguration: routingOut(ctx, machine, alias.config),
      creationDate: epochSeconds(alias.created),
      updateDate: epochSeconds(alias.updated),
    };
    if (alias.config.d !== undefined) out.description = alias.config.d;
    return out;
  };
}

export function updateStateMachineAlias(ctx: ApiContext) {
  return async (body: Body) => {
    const arn = str(body, 'stateMachineAliasArn');
    const description = optStr(body, 'description');
    const routing = body.routingConfiguration as RoutingItem[] | undefined;
    parseArnOf(arn, 'stateMachineAlias');
    if (description === undefined && routing === undefined) {
      throw new ValidationException('Either the description or the routingConfiguration must be specified');
    }
    let routes: AliasConfig['routes'] | undefined;
    if (routing !== undefined) {
      const checked = checkRouting(ctx, routing);
      if (checked.machine !== parseArnOf(arn, 'stateMachineAlias').name) {
        throw new ValidationException(
          `Routing configuration must contain state machine version ARNs of the alias's state machine. Received: [${routing.map((r) => r.stateMachineVersionArn).join(', ')}]`,
        );
      }
      routes = checked.routes;
    }
    // Optimistic: the store refuses the write if the alias changed since it was read.
    for (;;) {
      const { machine, alias } = await requireAlias(ctx, arn);
      const next: AliasConfig = { routes: routes ?? alias.config.routes };
      const d = description ?? alias.config.d;
      if (d !== undefined) next.d = d;
      const res = await ctx.aliases.update(arns(ctx).key(machine), alias.name, next, alias.config, ctx.now());
      if (res.kind === 'updated') return { updateDate: epochSeconds(res.date) };
      if (res.kind === 'retry') continue;
      if (res.kind === 'noversion') throw notFound(versionArnOf(ctx, machine, res.version));
      throw notFound(arn);
    }
  };
}

export function deleteStateMachineAlias(ctx: ApiContext) {
  return async (body: Body) => {
    const arn = str(body, 'stateMachineAliasArn');
    const parsed = parseArnOf(arn, 'stateMachineAlias');
    // Deleting an alias that is not there succeeds, as on AWS.
    const a = arns(ctx);
    if (a.owned(arn) && aliasArnOf(ctx, parsed.name, parsed.alias) === arn) await ctx.aliases.delete(a.key(parsed.name), parsed.alias);
    return {};
  };
}

export function listStateMachineAliases(ctx: ApiContext) {
  return async (body: Body) => {
    const arn = str(body, 'stateMachineArn');
    const parsed = parseArnOf(arn, 'stateMachine', 'stateMachineVersion');
    const a = arns(ctx);
    const sm = a.owned(arn) ? await ctx.stateMachines.get(a.key(parsed.name)) : undefined;
    const base = stateMachineArn(parsed.scope, parsed.name);
    if (!sm || sm.arn !== base) {
      if (parsed.kind === 'stateMachine') throw new StateMachineDoesNotExist(`State Machine Does Not Exist: '${arn}'`);
      throw notFound(arn);
    }
    let aliases = await ctx.aliases.all(a.key(sm.name));
    if (parsed.kind === 'stateMachineVersion') {
      if (!(await ctx.versions.get(a.key(sm.name), parsed.version))) throw notFound(arn);
      // A version ARN lists the aliases that route to that version.
      aliases = aliases.filter((a) => a.config.routes.some((r) => r.v === parsed.version));
    }
    const scope = `ListStateMachineAliases|${arn}`;
    const { offset, limit } = page(body, scope);
    const items = aliases.slice(offset, offset + limit);
    const out: Record<string, unknown> = {
      stateMachineAliases: items.map((a) => ({ stateMachineAliasArn: aliasArnOf(ctx, sm.name, a.name), creationDate: epochSeconds(a.created) })),
    };
    if (offset + limit < aliases.length) out.nextToken = pageToken(offset + limit, scope);
    return out;
  };
}
