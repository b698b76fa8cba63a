import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  GetActivityTaskCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { expect, test } from 'vitest';
import { clusterFixture } from '../support/cluster.js';
import { ROLE_ARN, uniqueName, waitForEnd } from '../support/sfn.js';

const cluster = clusterFixture();

/** Parses Prometheus text into `name{labels}` -> value. */
async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

const value = (m: Map<string, number>, key: string) => m.get(key) ?? 0;

test('counters move by what executions and activities did', async () => {
  const { sfn, api } = cluster;
  const worker = cluster.workers[0]!;
  const activityName = uniqueName('metrics');
  const activity = await sfn.send(new CreateActivityCommand({ name: activityName }));
  const smName = uniqueName('metrics');
  const sm = await sfn.send(
    new CreateStateMachineCommand({
      name: smName,
      definition: JSON.stringify({
        StartAt: 'P',
        States: { P: { Type: 'Pass', Next: 'T' }, T: { Type: 'Task', Resource: activity.activityArn, End: true } },
      }),
      roleArn: ROLE_ARN,
    }),
  );
  const apiBefore = await scrape(api.endpoint);
  const workerBefore = await scrape(worker.metricsUrl);

  const arns: string[] = [];
  for (let i = 0; i < 3; i++) {
    arns.push((await sfn.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn, input: `{"i":${i}}` }))).executionArn!);
  }
  // Two tasks succeed, one fails.
  for (let i = 0; i < 3; i++) {
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn: activity.activityArn }));
    if (i < 2) await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' }));
    else await sfn.send(new SendTaskFailureCommand({ taskToken: task.taskToken, error: 'E' }));
  }
  const statuses = await Promise.all(arns.map(async (arn) => (await waitForEnd(sfn, arn)).status));
  expect(statuses.sort()).toEqual(['FAILED', 'SUCCEEDED', 'SUCCEEDED']);

  const apiAfter = await scrape(api.endpoint);
  const workerAfter = await scrape(worker.metricsUrl);
  const sml = `state_machine="${smName}"`;
  const act = `activity="${activityName}"`;
  const delta = (after: Map<string, number>, before: Map<string, number>, key: string) => value(after, key) - value(before, key);

  expect(delta(apiAfter, apiBefore, `redstep_executions_started_total{${sml},type="STANDARD"}`)).toBe(3);
  expect(delta(apiAfter, apiBefore, `redstep_api_requests_total{action="StartExecution",error_code="none"}`)).toBe(3);
  expect(delta(apiAfter, apiBefore, `redstep_activities_started_total{${act}}`)).toBe(3);
  expect(delta(apiAfter, apiBefore, `redstep_activities_succeeded_total{${act}}`)).toBe(2);
  expect(delta(apiAfter, apiBefore, `redstep_activities_failed_total{${act}}`)).toBe(1);
  expect(delta(workerAfter, workerBefore, `redstep_executions_succeeded_total{${sml},type="STANDARD"}`)).toBe(2);
  expect(delta(workerAfter, workerBefore, `redstep_executions_failed_total{${sml},type="STANDARD"}`)).toBe(1);
  expect(delta(workerAfter, workerBefore, `redstep_activities_scheduled_total{${act}}`)).toBe(3);
  expect(delta(workerAfter, workerBefore, `redstep_state_transitions_total{${sml},state_type="Pass"}`)).toBe(3);
  expect(delta(workerAfter, workerBefore, `redstep_state_transitions_total{${sml},state_type="Task"}`)).toBe(3);

  // An unknown action is counted under one bounded label, with its error code.
  await fetch(api.endpoint, { method: 'POST', headers: { 'x-amz-target': 'AWSStepFunctions.NoSuchThing' }, body: '{}' });
  const last = await scrape(api.endpoint);
  expect(delta(last, apiAfter, `redstep_api_requests_total{action="unknown",error_code="UnknownOperationException"}`)).toBe(1);
});

test('health and readiness answer on both apps', async () => {
  const worker = cluster.workers[0]!;
  for (const base of [cluster.api.endpoint, worker.metricsUrl]) {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  }
});
