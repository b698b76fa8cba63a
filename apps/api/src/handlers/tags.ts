import { ResourceNotFound } from '@redstep/core';
import type { ApiContext } from '../context.js';
import { arns, MAX_TAGS, str, tooManyTags } from './common.js';

type Body = Record<string, unknown>;

/** Tags apply to state machines and activities; anything else is not found. */
async function requireTaggable(ctx: ApiContext, arn: string): Promise<void> {
  const a = arns(ctx);
  const kind = a.resourceKind(arn);
  // Another account's: AccessDeniedException; another region's: not found.
  const here = a.owned(arn);
  let exists = false;
  if (here && kind?.type === 'stateMachine') exists = (await ctx.stateMachines.get(a.key(kind.name)))?.arn === arn;
  if (here && kind?.type === 'activity') exists = (await ctx.activities.get(a.key(kind.name)))?.arn === arn;
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
