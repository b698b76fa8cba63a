import { ResourceNotFound } from '@redstep/core';
import type { ApiContext } from '../context.js';
import { arns, MAX_TAGS, str, tooManyTags } from './common.js';

type Body = Record<string, unknown>;

/** Tags apply to state machines and activities; anything else is not found. */
async function requireTaggable(ctx: ApiContext, arn: string): Promise<void> {
  const kind = arns(ctx).resourceKind(arn);
  const exists =
    kind?.type === 'stateMachine'
      ? (await ctx.stateMachines.get(kind.name))?.arn === arn
      : kind?.type === 'activity'
        ? (await ctx.activities.get(kind.name))?.arn === arn
        : false;
  if (!exists) throw new ResourceNotFound(`Resource not found: '${arn}'`, arn);
}

export function tagResource(ctx: ApiContext) {
  return async (body: Body) => {
    const arn = str(body, 'resourceArn');
    await requireTaggable(ctx, arn);
    const tags = Object.fromEntries((body.tags as { key: string; value?: string }[]).map((t) => [t.key, t.value ?? '']));
    const current = await ctx.tags.list(arn);
    if (Object.keys({ ...current, ...tags }).length > MAX_TAGS) {
      throw tooManyTags(arn);
    }
    await ctx.tags.add(arn, tags);
    return {};
  };
}

export function untagResource(ctx: ApiContext) {
  return async (body: Body) => {
    const arn = str(body, 'resourceArn');
    await requireTaggable(ctx, arn);
    await ctx.tags.remove(arn, body.tagKeys as string[]);
    return {};
  };
}

export function listTagsForResource(ctx: ApiContext) {
  return async (body: Body) => {
    const arn = str(body, 'resourceArn');
    await requireTaggable(ctx, arn);
    const tags = await ctx.tags.list(arn);
    return { tags: Object.entries(tags).map(([key, value]) => ({ key, value })) };
  };
}
