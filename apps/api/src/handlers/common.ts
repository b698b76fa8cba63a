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
  type ArnScope,
  type NameKind,
} from '@redstep/core';
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

/** ARNs in this service's partition, region and account. */
export function arns(ctx: ApiContext) {
  const scope: ArnScope = { partition: 'aws', region: ctx.config.region, account: ctx.config.accountId };
  return {
    stateMachine: (name: string) => stateMachineArn(scope, name),
    execution: (smName: string, name: string) => executionArn(scope, smName, name),
    expressExecution: (smName: string, name: string) => expressExecutionArn(scope, smName, name, randomUUID()),
    activity: (name: string) => activityArn(scope, name),
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

