import express from 'express';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { createLogger, renderMetrics, sampleQueue, type Config, type Logger, type RedisHandle } from '@redstep/store';
import { createContext, type ApiContext } from './context.js';
import { awsJsonProtocol, type Handler } from './protocol.js';
import * as sm from './handlers/state-machines.js';
import * as ex from './handlers/executions.js';
import * as act from './handlers/activities.js';
import * as task from './handlers/tasks.js';
import * as tags from './handlers/tags.js';
import { validateStateMachineDefinition } from './handlers/validate-definition.js';
import { startSyncExecution } from './handlers/start-sync-execution.js';
import { testStateHandler } from './handlers/test-state.js';
import * as ver from './handlers/versions.js';
import * as alias from './handlers/aliases.js';
import { redriveExecution } from './handlers/redrive.js';
import * as mapRuns from './handlers/map-runs.js';

/** How long shutdown waits for in-flight requests before closing their connections. */
const DRAIN_MS = 10_000;


export function handlers(ctx: ApiContext): Record<string, Handler> {
  return {
    CreateStateMachine: sm.createStateMachine(ctx),
    DescribeStateMachine: sm.describeStateMachine(ctx),
    UpdateStateMachine: sm.updateStateMachine(ctx),
    DeleteStateMachine: sm.deleteStateMachine(ctx),
    ListStateMachines: sm.listStateMachines(ctx),
    StartExecution: ex.startExecution(ctx),
    DescribeExecution: ex.describeExecution(ctx),
    DescribeStateMachineForExecution: ex.describeStateMachineForExecution(ctx),
    StopExecution: ex.stopExecution(ctx),
    ListExecutions: ex.listExecutions(ctx),
    GetExecutionHistory: ex.getExecutionHistory(ctx),
    CreateActivity: act.createActivity(ctx),
    DescribeActivity: act.describeActivity(ctx),
    DeleteActivity: act.deleteActivity(ctx),
    ListActivities: act.listActivities(ctx),
    GetActivityTask: task.getActivityTask(ctx),
    SendTaskSuccess: task.sendTaskSuccess(ctx),
    SendTaskFailure: task.sendTaskFailure(ctx),
    SendTaskHeartbeat: task.sendTaskHeartbeat(ctx),
    TagResource: tags.tagResource(ctx),
    UntagResource: tags.untagResource(ctx),
    ListTagsForResource: tags.listTagsForResource(ctx),
    ValidateStateMachineDefinition: validateStateMachineDefinition(ctx),
    StartSyncExecution: startSyncExecution(ctx),
    PublishStateMachineVersion: ver.publishStateMachineVersion(ctx),
    ListStateMachineVersions: ver.listStateMachineVersions(ctx),
    DeleteStateMachineVersion: ver.deleteStateMachineVersion(ctx),
    CreateStateMachineAlias: alias.createStateMachineAlias(ctx),
    DescribeStateMachineAlias: alias.describeStateMachineAlias(ctx),
    UpdateStateMachineAlias: alias.updateStateMachineAlias(ctx),
    DeleteStateMachineAlias: alias.deleteStateMachineAlias(ctx),
    ListStateMachineAliases: alias.listStateMachineAliases(ctx),
    TestState: testStateHandler(ctx),
    RedriveExecution: redriveExecution(ctx),
    ListMapRuns: mapRuns.listMapRuns(ctx),
    DescribeMapRun: mapRuns.describeMapRun(ctx),
    UpdateMapRun: mapRuns.updateMapRun(ctx),
  };
}

/**
 * Gives every AWS request its request id (the `x-amzn-RequestId` header AWS clients read),
 * counts and times it by action and error code (unknown actions share one label), and logs it:
 * server faults as errors, client faults at info, successes at debug.
 */
function observeRequests(ctx: ApiContext, table: Record<string, Handler>, log: Logger, inFlight: { count: number }) {
  const m = ctx.metrics;
  return (req: Request, res: Response, next: NextFunction) => {
    inFlight.count++;
    const target = req.header('x-amz-target') ?? '';
    const name = target.slice(target.indexOf('.') + 1);
    const action = Object.hasOwn(table, name) ? name : 'unknown';
    const requestId = randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('x-amzn-RequestId', requestId);
    m.apiInFlight.inc({ action });
    const started = performance.now();
    res.once('close', () => {
      inFlight.count--;
      const seconds = (performance.now() - started) / 1000;
      const errorCode = (res.locals.errorCode as string | undefined) ?? 'none';
      m.apiRequestDuration.observe({ action }, seconds);
      m.apiInFlight.dec({ action });
      m.apiRequests.inc({ action, error_code: errorCode });
      const entry = { requestId, action, status: res.statusCode, errorCode, ms: Math.round(seconds * 1000) };
      if (res.statusCode >= 500) log.error(entry, 'request failed');
      else if (res.statusCode >= 400) log.info(entry, 'request refused');
      else log.debug(entry, 'request');
    });
    next();
  };
}

export interface RunningApi {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Starts the API on config.port; close() stops accepting, releases long polls and drains. */
export async function startApi(config: Config, handle: RedisHandle, log: Logger = createLogger('api', config.logLevel)): Promise<RunningApi> {
  const ctx = createContext(config, handle);
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    try {
      await handle.redis.ping();
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'redis unreachable' });
    }
  });
  app.get('/metrics', async (_req, res) => {
    const { contentType, body } = await renderMetrics();
    res.type(contentType).send(body);
  });
  const table = handlers(ctx);
  const inFlight = { count: 0 };
  app.post(
    '/',
    observeRequests(ctx, table, log, inFlight),
    express.raw({ type: () => true, limit: '2mb' }),
    awsJsonProtocol(table, (entry) => log.error(entry, String(entry.msg ?? 'request failed'))),
  );
  const stopSampling = sampleQueue(ctx.queue, ctx.metrics);
  const sampleActivities = setInterval(() => {
    ctx.activities.waitingCounts().then(
      (counts) => {
        for (const [activity, n] of Object.entries(counts)) ctx.metrics.activityTasksWaiting.set({ activity }, n);
      },
      () => {},
    );
  }, 5_000);
  sampleActivities.unref();
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
  });
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    async close() {
      // Stop accepting, wake long polls (they answer empty), let in-flight requests finish.
      ctx.closing.abort();
      ctx.blocking.close();
      stopSampling();
      clearInterval(sampleActivities);
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections would hold close() open: end them once no request is in flight.
      const deadline = Date.now() + DRAIN_MS;
      while (inFlight.count > 0 && Date.now() < deadline) await sleep(20);
      server.closeAllConnections();
      await drained;
      await ctx.queue.close();
    },
  };
}
