import express from 'express';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { createLogger, redisAnswers, errorsEvery, renderMetrics, sampleQueue, type Config, type Logger, type RedisHandle } from '@redstep/store';
import { createContext, requestContext, type ApiContext } from './context.js';
import { connectionLimit, guardConnections, openFileLimit } from './connection-guard.js';
import { awsJsonProtocol, type Handler, type ProtocolHooks } from './protocol.js';
import { requestGuard } from './auth/guard.js';
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
import { consoleRoutes } from './console.js';

/** How long shutdown waits for in-flight requests before closing their connections. */
const DRAIN_MS = 10_000;


/** Each action's handler, made for a request's context. */
const ACTIONS: Record<string, (ctx: ApiContext) => Handler> = {
  CreateStateMachine: sm.createStateMachine,
  DescribeStateMachine: sm.describeStateMachine,
  UpdateStateMachine: sm.updateStateMachine,
  DeleteStateMachine: sm.deleteStateMachine,
  ListStateMachines: sm.listStateMachines,
  StartExecution: ex.startExecution,
  DescribeExecution: ex.describeExecution,
  DescribeStateMachineForExecution: ex.describeStateMachineForExecution,
  StopExecution: ex.stopExecution,
  ListExecutions: ex.listExecutions,
  GetExecutionHistory: ex.getExecutionHistory,
  CreateActivity: act.createActivity,
  DescribeActivity: act.describeActivity,
  DeleteActivity: act.deleteActivity,
  ListActivities: act.listActivities,
  GetActivityTask: task.getActivityTask,
  SendTaskSuccess: task.sendTaskSuccess,
  SendTaskFailure: task.sendTaskFailure,
  SendTaskHeartbeat: task.sendTaskHeartbeat,
  TagResource: tags.tagResource,
  UntagResource: tags.untagResource,
  ListTagsForResource: tags.listTagsForResource,
  ValidateStateMachineDefinition: validateStateMachineDefinition,
  StartSyncExecution: startSyncExecution,
  PublishStateMachineVersion: ver.publishStateMachineVersion,
  ListStateMachineVersions: ver.listStateMachineVersions,
  DeleteStateMachineVersion: ver.deleteStateMachineVersion,
  CreateStateMachineAlias: alias.createStateMachineAlias,
  DescribeStateMachineAlias: alias.describeStateMachineAlias,
  UpdateStateMachineAlias: alias.updateStateMachineAlias,
  DeleteStateMachineAlias: alias.deleteStateMachineAlias,
  ListStateMachineAliases: alias.listStateMachineAliases,
  TestState: testStateHandler,
  RedriveExecution: redriveExecution,
  ListMapRuns: mapRuns.listMapRuns,
  DescribeMapRun: mapRuns.describeMapRun,
  UpdateMapRun: mapRuns.updateMapRun,
};

/**
 * The handler of every action. Each runs in its request's context (`requestContext`): the
 * caller's account and region, so one request never sees another account's resources.
 */
export function handlers(ctx: ApiContext): Record<string, Handler> {
  return Object.fromEntries(
    Object.entries(ACTIONS).map(([action, make]): [string, Handler] => [action, (body, gone, caller) => make(requestContext(ctx, action, caller))(body, gone, caller)]),
  );
}

/**
 * Gives every AWS request its request id (the `x-amzn-RequestId` header AWS clients read),
 * counts and times it by action and error code (unknown actions share one label), and logs it:
 * server faults as errors, client faults at info, successes at debug.
 */
function observeRequests(ctx: ApiContext, log: Logger, inFlight: { count: number }): ProtocolHooks {
  const m = ctx.metrics;
  return {
    newRequestId: randomUUID,
    begin(action) {
      inFlight.count++;
      m.apiInFlight.inc({ action });
    },
    end({ action, status, errorCode, seconds }, requestId) {
      inFlight.count--;
      m.apiRequestDuration.observe({ action }, seconds);
      m.apiInFlight.dec({ action });
      m.apiRequests.inc({ action, error_code: errorCode ?? 'none' });
      if (status >= 400 || log.isLevelEnabled('debug')) {
        const entry = { requestId, action, status, errorCode: errorCode ?? 'none', ms: Math.round(seconds * 1000) };
        if (status >= 500) log.error(entry, 'request failed');
        else if (status >= 400) log.info(entry, 'request refused');
        else log.debug(entry, 'request');
      }
    },
    fault(entry) {
      log.error(entry, 'request fault');
    },
  };
}

/** `/`, with or without a query, in origin form or (through some proxies) absolute form. */
function isRoot(url = ''): boolean {
  if (url === '/') return true;
  try {
    return new URL(url, 'http://localhost').pathname === '/';
  } catch {
    return false;
  }
}

export interface RunningApi {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Starts the API on config.port; close() stops accepting, releases long polls and drains. */
export async function startApi(config: Config, handle: RedisHandle, log: Logger = createLogger('api', config.logLevel)): Promise<RunningApi> {
  const ctx = createContext(config, handle, Date.now, errorsEvery(log, 'redis connection error', { connection: 'step queue, activity polls' }));
  ctx.polls.start(handle.redis);
  const app = express();
  app.disable('x-powered-by');
  // AWS sends no ETag, and no action reads a query string: skip hashing every body and parsing every URL.
  app.set('etag', false);
  app.set('query parser', false);
  app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
  app.get('/readyz', (_req, res) => {
    void redisAnswers(handle.redis).then((ok) => (ok ? res.json({ status: 'ok' }) : res.status(503).json({ status: 'redis unreachable' })));
  });
  app.get('/metrics', (_req, res) => {
    // A failed scrape answers 500; it must never become an unhandled rejection (a crash).
    renderMetrics().then(
      ({ contentType, body }) => res.type(contentType).send(body),
      (err: unknown) => {
        log.error({ err: String(err) }, 'metrics rendering failed');
        res.status(500).end();
      },
    );
  });
  // The console's files need no signature; the API calls it makes are signed like any client's.
  app.use(consoleRoutes());
  const table = handlers(ctx);
  const inFlight = { count: 0 };
  const guard = await requestGuard(config, log);
  const aws = awsJsonProtocol(table, observeRequests(ctx, log, inFlight), guard);
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
  // Every API call is `POST /`: it goes straight to the protocol; express serves the rest.
  let refused = (_req: IncomingMessage, _res: ServerResponse) => false;
  const server = createServer((req, res) => {
    if (refused(req, res)) return;
    if (req.method === 'POST' && isRoot(req.url)) aws(req, res);
    else app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const limit = connectionLimit(config.maxConnections, openFileLimit());
  refused = guardConnections(server, limit, errorsEvery(log, 'accept failed'));
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    async close() {
      // Stop accepting, wake long polls (they answer empty), let in-flight requests finish.
      ctx.closing.abort();
      ctx.polls.close();
      guard?.close();
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
