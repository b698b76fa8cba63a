import { ActivityDoesNotExist } from '@redstep/core';
import { epochSeconds, type ApiContext } from '../context.js';
import { arns, checkName, createTags, listingScope, page, pageToken, str } from './common.js';

type Body = Record<string, unknown>;

export function createActivity(ctx: ApiContext) {
  return async (body: Body) => {
    const name = str(body, 'name');
    checkName(name);
    const now = ctx.now();
    const arn = arns(ctx).activity(name);
    const tags = createTags(body, arn);
    // CreateActivity is idempotent: an existing activity is returned as is.
    const existing = await ctx.activities.create({ arn, name, createdAt: now });
    if (existing) return { activityArn: existing.arn, creationDate: epochSeconds(existing.createdAt) };
    if (tags) await ctx.tags.add(arn, tags);
    return { activityArn: arn, creationDate: epochSeconds(now) };
  };
}

export async function requireActivity(ctx: ApiContext, arn: string) {
  const a = arns(ctx);
  const { name } = a.parseActivity(arn);
  const rec = a.owned(arn) ? await ctx.activities.get(a.key(name)) : undefined;
  if (!rec || rec.arn !== arn) throw new ActivityDoesNotExist(`Activity Does Not Exist: '${arn}'`);
  return rec;
}

export function describeActivity(ctx: ApiContext) {
  return async (body: Body) => {
    const rec = await requireActivity(ctx, str(body, 'activityArn'));
    return { activityArn: rec.arn, name: rec.name, creationDate: epochSeconds(rec.createdAt) };
  };
}

export function deleteActivity(ctx: ApiContext) {
  return async (body: Body) => {
    const arn = str(body, 'activityArn');
    const a = arns(ctx);
    const { name } = a.parseActivity(arn);
    // Another region's activity is not here: deleting it succeeds and changes nothing.
    if (!a.owned(arn)) return {};
    await ctx.activities.delete(a.key(name));
    await ctx.tags.clear(arn);
    return {};
  };
}

export function listActivities(ctx: ApiContext) {
  return async (body: Body) => {
    const scope = listingScope(ctx, 'ListActivities');
    const { offset, limit } = page(body, scope);
    const { items, more } = await ctx.activities.page(offset, limit, arns(ctx).listing());
    const out: Record<string, unknown> = {
      activities: items.map((a) => ({ activityArn: a.arn, name: a.name, creationDate: epochSeconds(a.createdAt) })),
    };
    if (more) out.nextToken = pageToken(offset + limit, scope);
    return out;
  };
}
