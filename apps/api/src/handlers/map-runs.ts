import { childStateMachineArn, fanoutCounts, ValidationException, type MapRunCounts } from '@redstep/core';
import { frames, type MapRunRecord } from '@redstep/store';
import { epochSeconds, type ApiContext } from '../context.js';
import { page, pageToken, str } from './common.js';
import { requireExecution } from './executions.js';
import { requireMapRun, settleMapRunPointers } from './map-children.js';

type Body = Record<string, unknown>;

export function listMapRuns(ctx: ApiContext) {
  return async (body: Body) => {
    const rec = await requireExecution(ctx, str(body, 'executionArn'));
    await settleMapRunPointers(ctx, rec);
    const scope = `ListMapRuns|${rec.arn}`;
    const { offset, limit } = page(body, scope);
    const all = await ctx.mapRuns.list(rec.arn);
    const mapRuns = all.slice(offset, offset + limit).map((r) => {
      const item: Record<string, unknown> = {
        executionArn: r.executionArn,
        mapRunArn: r.arn,
        stateMachineArn: childStateMachineArn(r.arn),
        startDate: epochSeconds(r.start),
      };
      if (r.stop !== undefined) item.stopDate = epochSeconds(r.stop);
      return item;
    });
    const out: Record<string, unknown> = { mapRuns };
    if (offset + limit < all.length) out.nextToken = pageToken(offset + limit, scope);
    return out;
  };
}

/** A running map run's counts come from its Map in the execution's cursor; a closed one's were kept. */
async function currentCounts(ctx: ApiContext, run: MapRunRecord): Promise<MapRunCounts> {
  if (run.status !== 'RUNNING') return run.counts;
  const rec = await ctx.executions.load(run.executionArn);
  if (rec?.cursor) {
    for (const { cursor } of frames(rec.cursor)) {
      if (cursor.fanout?.mapRun?.arn === run.arn) {
        if (rec.status === 'RUNNING') return fanoutCounts(cursor.fanout);
        return fanoutCounts(cursor.fanout, 'ABORTED');
      }
    }
  }
  return run.counts;
}

export function describeMapRun(ctx: ApiContext) {
  return async (body: Body) => {
    const run = await requireMapRun(ctx, str(body, 'mapRunArn'));
    const counts = await currentCounts(ctx, run);
    let status = run.status;
    if (status === 'RUNNING') {
      // The parent closed (stopped or timed out) while the Map ran: its map run was aborted.
      const parent = await ctx.executions.load(run.executionArn);
      if (parent && parent.status !== 'RUNNING') status = 'ABORTED';
    }
    const out: Record<string, unknown> = {
      mapRunArn: run.arn,
      executionArn: run.executionArn,
      status,
      startDate: epochSeconds(run.start),
      maxConcurrency: run.maxConcurrency,
      toleratedFailurePercentage: run.toleratedFailurePercentage ?? 0,
      toleratedFailureCount: run.toleratedFailureCount ?? 0,
      itemCounts: counts,
      executionCounts: counts,
      redriveCount: run.redriveCount,
    };
    if (run.stop !== undefined) out.stopDate = epochSeconds(run.stop);
    if (run.redriveDate !== undefined) out.redriveDate = epochSeconds(run.redriveDate);
    return out;
  };
}

export function updateMapRun(ctx: ApiContext) {
  return async (body: Body) => {
    const run = await requireMapRun(ctx, str(body, 'mapRunArn'));
    const limits: { maxConcurrency?: number; toleratedFailureCount?: number; toleratedFailurePercentage?: number } = {};
    if (typeof body.maxConcurrency === 'number') limits.maxConcurrency = body.maxConcurrency;
    if (typeof body.toleratedFailureCount === 'number') limits.toleratedFailureCount = body.toleratedFailureCount;
    if (typeof body.toleratedFailurePercentage === 'number') limits.toleratedFailurePercentage = body.toleratedFailurePercentage;
    if (Object.keys(limits).length === 0) {
      throw new ValidationException('1 validation error detected: at least one of maxConcurrency, toleratedFailureCount or toleratedFailurePercentage must be specified');
    }
    const parent = await ctx.executions.load(run.executionArn);
    if (run.status !== 'RUNNING' || parent?.status !== 'RUNNING') throw new ValidationException(`Map Run is not running: '${run.arn}'`);
    await ctx.mapRuns.updateLimits(run, limits);
    return {};
  };
}
