import { expect } from 'vitest';
import type { HistoryEvent } from '@redstep/core';
import { loadConfig } from '@redstep/store';
import { createContext } from '../../apps/api/src/context.js';
import { handlers } from '../../apps/api/src/server.js';
import { FaultPlan, World, type Fault } from './world.js';

export const ACCOUNT = '123456789012';
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/r`;
export const machineArn = (name: string) => `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${name}`;
export const activityArn = (name: string) => `arn:aws:states:us-east-1:${ACCOUNT}:activity:${name}`;
export const executionArn = (machine: string, name: string) => `arn:aws:states:us-east-1:${ACCOUNT}:execution:${machine}:${name}`;

/** What a scenario leaves for its checks. */
export interface Outcome {
  world: World;
  plan: FaultPlan;
}

/**
 * Runs a scenario in a fresh Redis state with one fault (or none): the machines and activities
 * are created through a process no fault touches, then `body` drives the world.
 */
export async function runScenario(
  url: string,
  fault: Fault | undefined,
  setup: { machines: Record<string, unknown>; activities: string[]; express?: string[] },
  body: (world: World) => Promise<void>,
): Promise<Outcome> {
  const plan = new FaultPlan(fault);
  const world = new World(url, plan);
  await world.clean.redis.flushall();
  const api = handlers(createContext(loadConfig({}), world.clean));
  for (const name of setup.activities) await api.CreateActivity!({ name }, new AbortController().signal);
  for (const [name, definition] of Object.entries(setup.machines)) {
    const type = setup.express?.includes(name) ? 'EXPRESS' : 'STANDARD';
    await api.CreateStateMachine!({ name, definition: JSON.stringify(definition), roleArn: ROLE, type }, new AbortController().signal);
  }
  plan.count = 0;
  plan.log.length = 0;
  try {
    await body(world);
  } catch (e) {
    await world.close();
    throw e;
  }
  return { world, plan };
}

/** An execution's history as stored. */
export async function historyOf(world: World, arn: string): Promise<HistoryEvent[]> {
  const texts = await world.view.executions.historyRange(arn, 0, -1);
  return texts.map((t) => JSON.parse(t) as HistoryEvent);
}

/** What every history must keep whatever the fault: ids 1..n in order, each event once. */
export function expectWellFormed(events: HistoryEvent[], context: string): void {
  expect(events.map((e) => e.id), context).toEqual(events.map((_, i) => i + 1));
  const once = ['ExecutionStarted', 'ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut'];
  for (const type of once) expect(events.filter((e) => e.type === type).length, `${context}: ${type}`).toBeLessThanOrEqual(1);
  // Every activity scheduled is started at most once (never handed out twice) and ends once.
  const count = (t: string) => events.filter((e) => e.type === t).length;
  expect(count('ActivityStarted'), `${context}: ActivityStarted`).toBeLessThanOrEqual(count('ActivityScheduled'));
  expect(count('ActivitySucceeded') + count('ActivityFailed') + count('ActivityTimedOut'), `${context}: activity outcomes`).toBeLessThanOrEqual(count('ActivityScheduled'));
}

/** The event types of a history, counted. */
export function typeCounts(events: HistoryEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) counts[e.type] = (counts[e.type] ?? 0) + 1;
  return counts;
}

/** The description of the last fault, for a failing assertion's message. */
export function describeFault(plan: FaultPlan): string {
  const f = plan.fault;
  if (!f) return 'no fault';
  const at = plan.log.find((line) => line.startsWith(`${f.at} `)) ?? `command ${f.at}`;
  return `${f.mode} at ${at}`;
}
