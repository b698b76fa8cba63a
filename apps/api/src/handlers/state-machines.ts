import { randomUUID } from 'node:crypto';
import { MissingRequiredParameter, parseArnOf, parseDefinition, StateMachineAlreadyExists, StateMachineDoesNotExist } from '@redstep/core';
import type { StateMachineRecord } from '@redstep/store';
import { epochSeconds, type ApiContext } from '../context.js';
import { defined, describeMachine } from './describe-machine.js';
import { checkLoggingConfiguration, checkVersionDescription } from './configuration.js';
import { arns, checkName, createTags, listingScope, page, pageToken, str, optStr } from './common.js';
import { describeVersion, publishVersion, versionArnOf } from './versions.js';

type Body = Record<string, unknown>;


export async function requireStateMachine(ctx: ApiContext, arn: string): Promise<StateMachineRecord> {
  // A version or alias ARN names no state machine here (AWS answers StateMachineDoesNotExist).
  const parsed = parseArnOf(arn, 'stateMachine', 'stateMachineVersion', 'stateMachineAlias');
  const a = arns(ctx);
  const rec = a.owned(arn) && parsed.kind === 'stateMachine' ? await ctx.stateMachines.get(a.key(parsed.name)) : undefined;
  if (!rec || rec.arn !== arn) throw new StateMachineDoesNotExist(`State Machine Does Not Exist: '${arn}'`);
  return rec;
}

export function createStateMachine(ctx: ApiContext) {
  return async (body: Body) => {
    const name = str(body, 'name');
    checkName(name);
    const type = (optStr(body, 'type') ?? 'STANDARD') as 'STANDARD' | 'EXPRESS';
    const definition = str(body, 'definition');
    checkVersionDescription(body);
    checkLoggingConfiguration(body);
    parseDefinition(definition, { type });
    const arn = arns(ctx).stateMachine(name);
    const tags = createTags(body, arn);
    const now = ctx.now();
    const rec: StateMachineRecord = {
      arn,
      name,
      type,
      definition,
      definitionSha: '',
      roleArn: str(body, 'roleArn'),
      createdAt: now,
      // A new machine's first revision has no id on AWS ('INITIAL' names it in PublishStateMachineVersion).
      revisionId: '',
    };
    if (body.loggingConfiguration !== undefined) rec.loggingConfiguration = JSON.stringify(body.loggingConfiguration);
    if (body.tracingConfiguration !== undefined) rec.tracingConfiguration = JSON.stringify(body.tracingConfiguration);
    const existing = await ctx.stateMachines.create(rec);
    if (existing) {
      // Idempotent when name, definition, type, logging and tracing match; like AWS, a different
      // roleArn or tags is ignored (and not applied). Anything else is a conflict.
      const same =
        existing.definition === rec.definition &&
        existing.type === rec.type &&
        existing.loggingConfiguration === rec.loggingConfiguration &&
        existing.tracingConfiguration === rec.tracingConfiguration;
      if (!same) throw new StateMachineAlreadyExists(`State Machine Already Exists: '${existing.arn}'`);
      return withVersion(ctx, existing, body, { stateMachineArn: existing.arn, creationDate: epochSeconds(existing.createdAt) });
    }
    if (tags) await ctx.tags.add(rec.arn, tags);
    return withVersion(ctx, rec, body, { stateMachineArn: rec.arn, creationDate: epochSeconds(now) });
  };
}

/** With `publish: true`, publishes the machine's current revision and adds its version ARN. */
async function withVersion(ctx: ApiContext, rec: StateMachineRecord, body: Body, out: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (body.publish !== true) return out;
  const description = optStr(body, 'versionDescription');
  const v = await publishVersion(ctx, rec, { expectedRevision: rec.revisionId, ...(description !== undefined ? { description } : {}) });
  return { ...out, stateMachineVersionArn: versionArnOf(ctx, rec.name, v.n) };
}

export function describeStateMachine(ctx: ApiContext) {
  return async (body: Body) => {
    const arn = str(body, 'stateMachineArn');
    if (parseArnOf(arn, 'stateMachine', 'stateMachineVersion', 'stateMachineAlias').kind === 'stateMachineVersion') return describeVersion(ctx, arn);
    const rec = await requireStateMachine(ctx, arn);
    return describeMachine({
      arn: rec.arn,
      name: rec.name,
      type: rec.type,
      definition: rec.definition,
      roleArn: rec.roleArn,
      createdAt: rec.createdAt,
      ...defined({ logging: rec.loggingConfiguration, tracing: rec.tracingConfiguration, revisionId: rec.revisionId, description: rec.description }),
    });
  };
}

export function updateStateMachine(ctx: ApiContext) {
  return async (body: Body) => {
    const rec = await requireStateMachine(ctx, str(body, 'stateMachineArn'));
    const definition = optStr(body, 'definition');
    const roleArn = optStr(body, 'roleArn');
    const changes = [definition, roleArn, body.loggingConfiguration, body.tracingConfiguration, body.encryptionConfiguration];
    if (changes.every((c) => c === undefined)) {
      throw new MissingRequiredParameter('Either the definition, roleArn, loggingConfiguration, tracingConfiguration or encryptionConfiguration must be specified');
    }
    checkVersionDescription(body);
    checkLoggingConfiguration(body);
    const before = JSON.stringify([rec.definition, rec.roleArn, rec.loggingConfiguration, rec.tracingConfiguration]);
    if (definition !== undefined) {
      parseDefinition(definition, { type: rec.type });
      rec.definition = definition;
    }
    if (roleArn !== undefined) rec.roleArn = roleArn;
    if (body.loggingConfiguration !== undefined) rec.loggingConfiguration = JSON.stringify(body.loggingConfiguration);
    if (body.tracingConfiguration !== undefined) rec.tracingConfiguration = JSON.stringify(body.tracingConfiguration);
    // As on AWS, an update that changes nothing makes no new revision (publish then answers the
    // version of the current one).
    const changed = JSON.stringify([rec.definition, rec.roleArn, rec.loggingConfiguration, rec.tracingConfiguration]) !== before;
    if (changed) rec.revisionId = randomUUID();
    const now = ctx.now();
    if (changed) await ctx.stateMachines.update(rec);
    const out: Record<string, unknown> = { updateDate: epochSeconds(now) };
    if (rec.revisionId) out.revisionId = rec.revisionId;
    return withVersion(ctx, rec, body, out);
  };
}

export function deleteStateMachine(ctx: ApiContext) {
  return async (body: Body) => {
    const arn = str(body, 'stateMachineArn');
    const a = arns(ctx);
    const { name } = a.parseStateMachine(arn);
    // Deleting what is not there succeeds, as on AWS; running executions keep their definition.
    const rec = a.owned(arn) ? await ctx.stateMachines.get(a.key(name)) : undefined;
    if (rec && rec.arn === arn) {
      await ctx.stateMachines.delete(a.key(name));
      // Its versions and aliases go with it, as on AWS.
      await ctx.versions.deleteAll(a.key(name));
      await ctx.tags.clear(arn);
    }
    return {};
  };
}

export function listStateMachines(ctx: ApiContext) {
  return async (body: Body) => {
    const scope = listingScope(ctx, 'ListStateMachines');
    const { offset, limit } = page(body, scope);
    const { items, more } = await ctx.stateMachines.page(offset, limit, arns(ctx).listing());
    const out: Record<string, unknown> = {
      stateMachines: items.map((r) => ({ stateMachineArn: r.arn, name: r.name, type: r.type, creationDate: epochSeconds(r.createdAt) })),
    };
    if (more) out.nextToken = pageToken(offset + limit, scope);
    return out;
  };
}
