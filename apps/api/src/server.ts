import express from 'express';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config, RedisHandle } from '@redstep/store';
import { createContext, type ApiContext } from './context.js';
import { awsJsonProtocol, type Handler } from './protocol.js';
import * as sm from './handlers/state-machines.js';
import * as ex from './handlers/executions.js';
import * as act from './handlers/activities.js';
import * as task from './handlers/tasks.js';
import * as tags from './handlers/tags.js';
import { validateStateMachineDefinition } from './handlers/validate-definition.js';
import { startSyncExecution } from './handlers/start-sync-execution.js';

/** How long shutdown waits for in-flight requests before closing their connections. */
const DRAIN_MS = 10_000;

export type Log = (entry: Record<string, unknown>) => void;

const defaultLog: Log = (entry) => process.stdout.write(`${JSON.stringify({ time: Date.now(), ...entry })}\n`);

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
  };
}

export interface RunningApi {
  server: Server;
  port: number;
  close(): Promise<void>;
}

/** Starts the API on config.port; close() stops accepting, releases long polls and drains. */
export async function startApi(config: Config, handle: RedisHandle, log: Log = defaultLog): Promise<RunningApi> {
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
  app.post('/', express.raw({ type: () => true, limit: '2mb' }), awsJsonProtocol(handlers(ctx), log));
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
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.race([drained, sleep(DRAIN_MS)]);
      server.closeAllConnections();
      await ctx.queue.close();
    },
  };
}
