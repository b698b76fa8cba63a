import { randomUUID } from 'node:crypto';
import {
  activityArn,
  expressExecutionArn,
  assertValidName,
  decodeNextToken,
  encodeNextToken,
  resolveMaxResults,
  executionArn,
  parseArnOf,
  parseArn,
  stateMachineArn,
  TooManyTags,
  AccessDeniedException,
  type NameKind,
} from '@redstep/core';
import { scopedName, scopePrefix } from '@redstep/store';
import type { ApiContext } from '../context.js';

type Body = Record<string, unknown>;

/** A member the service model requires (validation already ran, so it is a string). */
export const str = (body: Body, key: string): string => body[key] as string;
export const optStr = (body: Body, key: string): string | undefined => (typeof body[key] === 'string' ? (body[key] as string) : undefined);

export function checkName(name: string, kind: NameKind = 'stateMachine'): void {
  assertValidName(name, kind);
}

/**
 * Offset pagination. `scope` names the listing (action and filters) so a token only pages the
 * listing that issued it.
 */
export function page(body: Body, scope: string): { offset: number; limit: number } {
  const limit = resolveMaxResults(body.maxResults as number | undefined);
  const token = body.nextToken as string | undefined;
  const offset = token === undefined ? 0 : decodeNextToken<number>(token, { scope, now: Date.now() });
  return { offset: Number.isInteger(offset) && offset >= 0 ? offset : 0, limit };
}

export function pageToken(offset: number, scope: string): string {
  return encodeNextToken(offset, { scope, now: Date.now() });
}

/** AWS allows at most this many tags on one resource. */
export const MAX_TAGS = 50;

export function tooManyTags(arn: string): TooManyTags {
  return new TooManyTags(`Too many tags: the resource '${arn}' can have at most ${MAX_TAGS} tags`, arn);
}

/** Tags given on a create call, as a key -> value map; undefined when none. */
export function tagList(body: Body): Record<string, string> | undefined {
  const tags = body.tags as { key: string; value?: string }[] | undefined;
  if (!tags?.length) return undefined;
  return Object.fromEntries(tags.map((t) => [t.key, t.value ?? '']));
}

/** The tags of a create call, refused with TooManyTags before anything is created. */
export function createTags(body: Body, arn: string): Record<string, string> | undefined {
  const tags = tagList(body);
  if (tags && Object.keys(tags).length > MAX_TAGS) throw tooManyTags(arn);
  return tags;
}

/**
 * ARNs and stored names in the request's scope (its caller's account and region). Builders make
 * ARNs in it; `key` gives the name a resource of it is stored under; `owned` refuses an ARN of
 * another account as AWS does (Step Functions has no resource-based policies, so IAM denies any
 * call on another account's resource) and tells whether one of the caller's account is of its
 * region (another region's endpoint holds none of this one's resources: does-not-exist).
 */
export function arns(ctx: ApiContext) {
  const scope = ctx.scope;
  const owned = (arn: string): boolean => {
    const parsed = parseArn(arn);
    if (parsed.scope.account !== scope.account) throw accessDenied(ctx, arn);
    return parsed.scope.region === scope.region && parsed.scope.partition === scope.partition;
  };
  return {
    stateMachine: (name: string) => stateMachineArn(scope, name),
    execution: (smName: string, name: string) => executionArn(scope, smName, name),
    expressExecution: (smName: string, name: string) => expressExecutionArn(scope, smName, name, randomUUID()),
    activity: (name: string) => activityArn(scope, name),
    /** The stored name of this scope's resource `name` (see `scopedName`). */
    key: (name: string) => scopedName(scope, name),
    /** This scope's listing index (`scopePrefix`). */
    listing: () => scopePrefix(scope),
    owned,
    parseStateMachine: (arn: string) => parseArnOf(arn, 'stateMachine'),
    parseExecution: (arn: string) => parseArnOf(arn, 'execution'),
    parseActivity: (arn: string) => parseArnOf(arn, 'activity'),
    resourceKind(arn: string): { type: 'stateMachine' | 'activity'; name: string } | undefined {
      const parsed = parseArn(arn);
      if (parsed.kind === 'stateMachine' || parsed.kind === 'activity') return { type: parsed.kind, name: parsed.name };
      return undefined;
    },
  };
}

/**
 * What IAM answers a call on another account's resource. The principal is the signing
 * credential's, named by its access key (RedStep knows no IAM users).
 */
export function accessDenied(ctx: ApiContext, arn: string): AccessDeniedException {
  const who = `arn:aws:iam::${ctx.scope.account}:user/${ctx.accessKeyId || 'anonymous'}`;
  const action = `states:${ctx.action}`;
  return new AccessDeniedException(`User: ${who} is not authorized to perform: ${action} on resource: ${arn} because no resource-based policy allows the ${action} action`);
}

/** A listing's next-token scope: the action and filters, and the caller's account and region. */
export const listingScope = (ctx: ApiContext, listing: string): string => `${listing}|${ctx.scope.account}|${ctx.scope.region}`;
