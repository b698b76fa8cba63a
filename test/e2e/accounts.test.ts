import {
  CreateActivityCommand,
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  DeleteActivityCommand,
  DeleteStateMachineAliasCommand,
  DeleteStateMachineCommand,
  DeleteStateMachineVersionCommand,
  DescribeActivityCommand,
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  GetActivityTaskCommand,
  GetExecutionHistoryCommand,
  ListActivitiesCommand,
  ListExecutionsCommand,
  ListMapRunsCommand,
  ListStateMachineAliasesCommand,
  ListStateMachinesCommand,
  ListStateMachineVersionsCommand,
  ListTagsForResourceCommand,
  PublishStateMachineVersionCommand,
  RedriveExecutionCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StopExecutionCommand,
  TagResourceCommand,
  TestStateCommand,
  UntagResourceCommand,
  UpdateMapRunCommand,
  UpdateStateMachineAliasCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OPERATIONS } from '@redstep/core';
import { startApiProcess, startWorkerProcess, type AppProcess } from '../support/processes.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { ROLE_ARN, uniqueName, waitForEnd } from '../support/sfn.js';
import { expectAwsError, passMachine } from './helpers.js';

/** A in the api's own account (SFN_ACCOUNT_ID), B in another. */
const A = { accessKeyId: 'AKIAREDSTEPACCOUNTA', secretAccessKey: 'secret-of-a', accountId: '111111111111' };
const B = { accessKeyId: 'AKIAREDSTEPACCOUNTB', secretAccessKey: 'secret-of-b', accountId: '222222222222' };

let redis: TestRedis;
let dir: string;
let api: AppProcess & { endpoint: string };
let worker: AppProcess;
const clients: SFNClient[] = [];

function sdk(credentials: { accessKeyId: string; secretAccessKey: string }, region: string): SFNClient {
  const c = new SFNClient({ endpoint: api.endpoint, region, credentials, maxAttempts: 1, disableHostPrefix: true, requestHandler: { requestTimeout: 70_000 } });
  clients.push(c);
  return c;
}

/** What A holds, made in beforeAll: one of each resource kind. */
interface Holdings {
  activityArn: string;
  stateMachineArn: string;
  versionArn: string;
  aliasArn: string;
  expressArn: string;
  executionArn: string;
  taskToken: string;
  mapExecutionArn: string;
  mapRunArn: string;
  /** A child execution of the map run. */
  childArn: string;
}

let a: SFNClient;
let b: SFNClient;
/** A's credential signing for another region: the same account, another region's endpoint. */
let aWest: SFNClient;
let held: Holdings;
let activityName: string;
let machineName: string;

beforeAll(async () => {
  redis = await startTestRedis();
  dir = mkdtempSync(join(tmpdir(), 'redstep-accounts-'));
  const file = join(dir, 'credentials.json');
  writeFileSync(file, JSON.stringify({ credentials: [A, B] }));
  const env = { ...redis.env, SFN_ACCOUNT_ID: A.accountId, SFN_REGION: 'us-east-1' };
  api = await startApiProcess(redis.url, { ...env, SFN_CREDENTIALS_FILE: file });
  worker = await startWorkerProcess(redis.url, env);
  a = sdk(A, 'us-east-1');
  b = sdk(B, 'us-east-1');
  aWest = sdk(A, 'eu-west-1');

  activityName = uniqueName('work');
  machineName = uniqueName('machine');
  const { activityArn } = await a.send(new CreateActivityCommand({ name: activityName, tags: [{ key: 'owner', value: 'a' }] }));
  const definition = JSON.stringify({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } });
  const sm = await a.send(new CreateStateMachineCommand({ name: machineName, definition, roleArn: ROLE_ARN, publish: true, tags: [{ key: 'owner', value: 'a' }] }));
  const alias = await a.send(
    new CreateStateMachineAliasCommand({ name: 'live', routingConfiguration: [{ stateMachineVersionArn: sm.stateMachineVersionArn!, weight: 100 }] }),
  );
  const express = await a.send(new CreateStateMachineCommand({ name: uniqueName('express'), type: 'EXPRESS', definition: passMachine('a'), roleArn: ROLE_ARN }));
  const { executionArn } = await a.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn, input: '{"n":1}' }));
  const task = await a.send(new GetActivityTaskCommand({ activityArn, workerName: 'a' }));
  const fan = {
    StartAt: 'Fan',
    States: { Fan: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } },
  };
  const map = await a.send(new CreateStateMachineCommand({ name: uniqueName('fan'), definition: JSON.stringify(fan), roleArn: ROLE_ARN }));
  const mapExecution = await a.send(new StartExecutionCommand({ stateMachineArn: map.stateMachineArn, input: '[1,2]' }));
  expect((await waitForEnd(a, mapExecution.executionArn!)).status).toBe('SUCCEEDED');
  const mapRunArn = (await a.send(new ListMapRunsCommand({ executionArn: mapExecution.executionArn }))).mapRuns![0]!.mapRunArn!;
  const childArn = (await a.send(new ListExecutionsCommand({ mapRunArn }))).executions![0]!.executionArn!;
  held = {
    activityArn: activityArn!,
    stateMachineArn: sm.stateMachineArn!,
    versionArn: sm.stateMachineVersionArn!,
    aliasArn: alias.stateMachineAliasArn!,
    expressArn: express.stateMachineArn!,
    executionArn: executionArn!,
    taskToken: task.taskToken!,
    mapExecutionArn: mapExecution.executionArn!,
    mapRunArn,
    childArn,
  };
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.destroy();
  await Promise.all([api?.kill(), worker?.kill()]);
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Everything A can read of its resources, to compare before and after B's attempts. */
async function snapshot(sfn: SFNClient, h: Holdings) {
  const machine = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: h.stateMachineArn }));
  const execution = await sfn.send(new DescribeExecutionCommand({ executionArn: h.executionArn }));
  const mapRun = await sfn.send(new DescribeMapRunCommand({ mapRunArn: h.mapRunArn }));
  return {
    machine: { arn: machine.stateMachineArn, definition: machine.definition, revisionId: machine.revisionId, roleArn: machine.roleArn },
    machines: (await sfn.send(new ListStateMachinesCommand({}))).stateMachines!.map((m) => m.stateMachineArn).sort(),
    versions: (await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: h.stateMachineArn }))).stateMachineVersions!.map((v) => v.stateMachineVersionArn),
    alias: (await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: h.aliasArn }))).routingConfiguration,
    aliases: (await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: h.stateMachineArn }))).stateMachineAliases!.map((x) => x.stateMachineAliasArn),
    activity: (await sfn.send(new DescribeActivityCommand({ activityArn: h.activityArn }))).name,
    activities: (await sfn.send(new ListActivitiesCommand({}))).activities!.map((x) => x.activityArn).sort(),
    machineTags: (await sfn.send(new ListTagsForResourceCommand({ resourceArn: h.stateMachineArn }))).tags,
    activityTags: (await sfn.send(new ListTagsForResourceCommand({ resourceArn: h.activityArn }))).tags,
    execution: { status: execution.status, input: execution.input, redriveCount: execution.redriveCount },
    executions: (await sfn.send(new ListExecutionsCommand({ stateMachineArn: h.stateMachineArn }))).executions!.map((x) => `${x.executionArn} ${x.status}`),
    history: (await sfn.send(new GetExecutionHistoryCommand({ executionArn: h.executionArn }))).events!.map((e) => e.type),
    mapRuns: (await sfn.send(new ListMapRunsCommand({ executionArn: h.mapExecutionArn }))).mapRuns!.map((r) => r.mapRunArn),
    mapRun: { status: mapRun.status, maxConcurrency: mapRun.maxConcurrency, toleratedFailureCount: mapRun.toleratedFailureCount },
  };
}

describe('accounts: the signing credential\'s account and region scope everything', () => {
  test('ARNs a caller creates are in its account and signed region; lists show only its own', async () => {
    expect(held.stateMachineArn).toBe(`arn:aws:states:us-east-1:${A.accountId}:stateMachine:${machineName}`);
    // B and A-in-eu-west-1 may use the same names: each gets its own resource.
    const bMachine = await b.send(new CreateStateMachineCommand({ name: machineName, definition: passMachine('b'), roleArn: ROLE_ARN }));
    expect(bMachine.stateMachineArn).toBe(`arn:aws:states:us-east-1:${B.accountId}:stateMachine:${machineName}`);
    const westMachine = await aWest.send(new CreateStateMachineCommand({ name: machineName, definition: passMachine('west'), roleArn: ROLE_ARN }));
    expect(westMachine.stateMachineArn).toBe(`arn:aws:states:eu-west-1:${A.accountId}:stateMachine:${machineName}`);
    const bActivity = await b.send(new CreateActivityCommand({ name: activityName }));
    expect(bActivity.activityArn).toBe(`arn:aws:states:us-east-1:${B.accountId}:activity:${activityName}`);

    expect((await b.send(new ListStateMachinesCommand({}))).stateMachines!.map((m) => m.stateMachineArn)).toEqual([bMachine.stateMachineArn]);
    expect((await aWest.send(new ListStateMachinesCommand({}))).stateMachines!.map((m) => m.stateMachineArn)).toEqual([westMachine.stateMachineArn]);
    expect((await b.send(new ListActivitiesCommand({}))).activities!.map((x) => x.activityArn)).toEqual([bActivity.activityArn]);
    expect((await aWest.send(new ListActivitiesCommand({}))).activities).toEqual([]);
    const aMachines = (await a.send(new ListStateMachinesCommand({}))).stateMachines!.map((m) => m.stateMachineArn);
    expect(aMachines).toContain(held.stateMachineArn);
    expect(aMachines.some((arn) => !arn!.startsWith(`arn:aws:states:us-east-1:${A.accountId}:`))).toBe(false);

    // Runs in its own account: the same names, B's own definition and history.
    const run = await b.send(new StartExecutionCommand({ stateMachineArn: bMachine.stateMachineArn, name: 'same-name' }));
    expect(run.executionArn).toBe(`arn:aws:states:us-east-1:${B.accountId}:execution:${machineName}:same-name`);
    expect((await waitForEnd(b, run.executionArn!)).output).toBe('"b"');
    // A next token pages only the listing of the caller that got it.
    const first = await a.send(new ListStateMachinesCommand({ maxResults: 1 }));
    expect(first.nextToken).toBeDefined();
    await expectAwsError(b.send(new ListStateMachinesCommand({ maxResults: 1, nextToken: first.nextToken })), 'InvalidToken');
  });

  test('across all 37 actions, another account can neither see nor touch A\'s resources', async () => {
    const before = await snapshot(a, held);
    const covered = new Set<string>();
    /** B's call on A's resource: IAM's AccessDeniedException, naming B and the action. */
    const denied = async (action: string, call: Promise<unknown>) => {
      covered.add(action);
      const err = await expectAwsError(call, 'AccessDeniedException');
      expect(err.message).toContain(`arn:aws:iam::${B.accountId}:`);
      expect(err.message).toContain(`not authorized to perform: states:${action} on resource: arn:aws:states:us-east-1:${A.accountId}:`);
    };
    const as = async (action: string, code: string, call: Promise<unknown>) => {
      covered.add(action);
      await expectAwsError(call, code);
    };
    const ok = async <T>(action: string, call: Promise<T>): Promise<T> => {
      covered.add(action);
      return call;
    };
    const h = held;

    // State machines, versions, aliases.
    await denied('DescribeStateMachine', b.send(new DescribeStateMachineCommand({ stateMachineArn: h.stateMachineArn })));
    await denied('DescribeStateMachine', b.send(new DescribeStateMachineCommand({ stateMachineArn: h.versionArn })));
    await denied('UpdateStateMachine', b.send(new UpdateStateMachineCommand({ stateMachineArn: h.stateMachineArn, definition: passMachine('b') })));
    await denied('DeleteStateMachine', b.send(new DeleteStateMachineCommand({ stateMachineArn: h.stateMachineArn })));
    await denied('PublishStateMachineVersion', b.send(new PublishStateMachineVersionCommand({ stateMachineArn: h.stateMachineArn })));
    await denied('ListStateMachineVersions', b.send(new ListStateMachineVersionsCommand({ stateMachineArn: h.stateMachineArn })));
    await denied('DeleteStateMachineVersion', b.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: h.versionArn })));
    await denied('CreateStateMachineAlias', b.send(new CreateStateMachineAliasCommand({ name: 'steal', routingConfiguration: [{ stateMachineVersionArn: h.versionArn, weight: 100 }] })));
    await denied('DescribeStateMachineAlias', b.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: h.aliasArn })));
    await denied('UpdateStateMachineAlias', b.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: h.aliasArn, description: 'b was here' })));
    await denied('DeleteStateMachineAlias', b.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: h.aliasArn })));
    await denied('ListStateMachineAliases', b.send(new ListStateMachineAliasesCommand({ stateMachineArn: h.stateMachineArn })));
    const machines = await ok('ListStateMachines', b.send(new ListStateMachinesCommand({})));
    expect(machines.stateMachines!.every((m) => m.stateMachineArn!.includes(`:${B.accountId}:`))).toBe(true);
    const created = await ok('CreateStateMachine', b.send(new CreateStateMachineCommand({ name: uniqueName('b'), definition: passMachine('b'), roleArn: ROLE_ARN })));
    expect(created.stateMachineArn).toContain(`:${B.accountId}:stateMachine:`);

    // Executions, map runs.
    await denied('StartExecution', b.send(new StartExecutionCommand({ stateMachineArn: h.stateMachineArn })));
    await denied('StartExecution', b.send(new StartExecutionCommand({ stateMachineArn: h.aliasArn })));
    await denied('StartSyncExecution', b.send(new StartSyncExecutionCommand({ stateMachineArn: h.expressArn })));
    await denied('DescribeExecution', b.send(new DescribeExecutionCommand({ executionArn: h.executionArn })));
    await denied('DescribeStateMachineForExecution', b.send(new DescribeStateMachineForExecutionCommand({ executionArn: h.executionArn })));
    await denied('StopExecution', b.send(new StopExecutionCommand({ executionArn: h.executionArn })));
    await denied('ListExecutions', b.send(new ListExecutionsCommand({ stateMachineArn: h.stateMachineArn })));
    await denied('GetExecutionHistory', b.send(new GetExecutionHistoryCommand({ executionArn: h.executionArn })));
    await denied('RedriveExecution', b.send(new RedriveExecutionCommand({ executionArn: h.mapExecutionArn })));
    await denied('ListMapRuns', b.send(new ListMapRunsCommand({ executionArn: h.mapExecutionArn })));
    await denied('DescribeMapRun', b.send(new DescribeMapRunCommand({ mapRunArn: h.mapRunArn })));
    await denied('UpdateMapRun', b.send(new UpdateMapRunCommand({ mapRunArn: h.mapRunArn, maxConcurrency: 1 })));
    await denied('ListExecutions', b.send(new ListExecutionsCommand({ mapRunArn: h.mapRunArn })));
    await denied('DescribeExecution', b.send(new DescribeExecutionCommand({ executionArn: h.childArn })));
    await denied('GetExecutionHistory', b.send(new GetExecutionHistoryCommand({ executionArn: h.childArn })));
    await denied('DescribeStateMachineForExecution', b.send(new DescribeStateMachineForExecutionCommand({ executionArn: h.childArn })));

    // Activities and their tasks: A's token is not one B can answer.
    await denied('DescribeActivity', b.send(new DescribeActivityCommand({ activityArn: h.activityArn })));
    await denied('DeleteActivity', b.send(new DeleteActivityCommand({ activityArn: h.activityArn })));
    await denied('GetActivityTask', b.send(new GetActivityTaskCommand({ activityArn: h.activityArn })));
    const activities = await ok('ListActivities', b.send(new ListActivitiesCommand({})));
    expect(activities.activities!.every((x) => x.activityArn!.includes(`:${B.accountId}:`))).toBe(true);
    const activity = await ok('CreateActivity', b.send(new CreateActivityCommand({ name: uniqueName('b-work') })));
    expect(activity.activityArn).toContain(`:${B.accountId}:activity:`);
    await as('SendTaskSuccess', 'InvalidToken', b.send(new SendTaskSuccessCommand({ taskToken: h.taskToken, output: '"stolen"' })));
    await as('SendTaskFailure', 'InvalidToken', b.send(new SendTaskFailureCommand({ taskToken: h.taskToken, error: 'B' })));
    await as('SendTaskHeartbeat', 'InvalidToken', b.send(new SendTaskHeartbeatCommand({ taskToken: h.taskToken })));

    // Tags.
    await denied('TagResource', b.send(new TagResourceCommand({ resourceArn: h.stateMachineArn, tags: [{ key: 'owner', value: 'b' }] })));
    await denied('TagResource', b.send(new TagResourceCommand({ resourceArn: h.activityArn, tags: [{ key: 'owner', value: 'b' }] })));
    await denied('UntagResource', b.send(new UntagResourceCommand({ resourceArn: h.stateMachineArn, tagKeys: ['owner'] })));
    await denied('ListTagsForResource', b.send(new ListTagsForResourceCommand({ resourceArn: h.activityArn })));

    // The two actions that name no resource run in B's own scope.
    const validated = await ok('ValidateStateMachineDefinition', b.send(new ValidateStateMachineDefinitionCommand({ definition: passMachine('b') })));
    expect(validated.result).toBe('OK');
    const tested = await ok(
      'TestState',
      b.send(new TestStateCommand({ definition: JSON.stringify({ Type: 'Pass', Parameters: { 'id.$': '$$.Execution.Id' }, End: true }), roleArn: ROLE_ARN })),
    );
    expect(JSON.parse(tested.output!).id).toContain(`:${B.accountId}:`);

    expect([...covered].sort()).toEqual(Object.keys(OPERATIONS).sort());
    expect(covered.size).toBe(37);
    expect(await snapshot(a, held)).toEqual(before);
  });

  test('another region of the same account sees none of it: does-not-exist, empty lists, foreign tokens', async () => {
    const before = await snapshot(a, held);
    const h = held;
    await expectAwsError(aWest.send(new DescribeStateMachineCommand({ stateMachineArn: h.stateMachineArn })), 'StateMachineDoesNotExist');
    await expectAwsError(aWest.send(new StartExecutionCommand({ stateMachineArn: h.aliasArn })), 'StateMachineDoesNotExist');
    await expectAwsError(aWest.send(new DescribeExecutionCommand({ executionArn: h.executionArn })), 'ExecutionDoesNotExist');
    await expectAwsError(aWest.send(new StopExecutionCommand({ executionArn: h.executionArn })), 'ExecutionDoesNotExist');
    await expectAwsError(aWest.send(new GetExecutionHistoryCommand({ executionArn: h.executionArn })), 'ExecutionDoesNotExist');
    await expectAwsError(aWest.send(new DescribeActivityCommand({ activityArn: h.activityArn })), 'ActivityDoesNotExist');
    await expectAwsError(aWest.send(new GetActivityTaskCommand({ activityArn: h.activityArn })), 'ActivityDoesNotExist');
    await expectAwsError(aWest.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: h.aliasArn })), 'ResourceNotFound');
    await expectAwsError(aWest.send(new DescribeMapRunCommand({ mapRunArn: h.mapRunArn })), 'ResourceNotFound');
    await expectAwsError(aWest.send(new ListTagsForResourceCommand({ resourceArn: h.stateMachineArn })), 'ResourceNotFound');
    await expectAwsError(aWest.send(new TagResourceCommand({ resourceArn: h.activityArn, tags: [{ key: 'owner', value: 'west' }] })), 'ResourceNotFound');
    await expectAwsError(aWest.send(new SendTaskSuccessCommand({ taskToken: h.taskToken, output: '"west"' })), 'InvalidToken');
    await expectAwsError(aWest.send(new SendTaskHeartbeatCommand({ taskToken: h.taskToken })), 'InvalidToken');
    expect((await aWest.send(new ListStateMachineVersionsCommand({ stateMachineArn: h.stateMachineArn }))).stateMachineVersions).toEqual([]);
    // Deleting what this region does not hold succeeds and deletes nothing (as for a missing resource).
    await aWest.send(new DeleteStateMachineCommand({ stateMachineArn: h.stateMachineArn }));
    await aWest.send(new DeleteActivityCommand({ activityArn: h.activityArn }));
    await aWest.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: h.aliasArn }));
    await aWest.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: h.versionArn }));
    expect(await snapshot(a, held)).toEqual(before);
  });

  test('outside the home scope (B\'s keys are prefixed), every action works on the caller\'s own resources', async () => {
    const name = uniqueName('b-life');
    const definition = JSON.stringify({
      StartAt: 'Choose',
      States: { Choose: { Type: 'Choice', Choices: [{ Variable: '$.fail', BooleanEquals: true, Next: 'Boom' }], Default: 'Done' }, Boom: { Type: 'Fail', Error: 'Boom' }, Done: { Type: 'Pass', End: true } },
    });
    const sm = await b.send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE_ARN, publish: true, tags: [{ key: 'k', value: 'v' }] }));
    expect(sm.stateMachineVersionArn).toBe(`${sm.stateMachineArn}:1`);
    const alias = await b.send(new CreateStateMachineAliasCommand({ name: 'live', routingConfiguration: [{ stateMachineVersionArn: sm.stateMachineVersionArn!, weight: 100 }] }));
    expect(alias.stateMachineAliasArn).toBe(`${sm.stateMachineArn}:live`);
    const failed = await b.send(new StartExecutionCommand({ stateMachineArn: alias.stateMachineAliasArn, input: '{"fail":true}' }));
    expect((await waitForEnd(b, failed.executionArn!)).status).toBe('FAILED');
    const ok = await b.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn, input: '{"fail":false}' }));
    expect((await waitForEnd(b, ok.executionArn!)).status).toBe('SUCCEEDED');
    const listed = async (stateMachineArn: string) => (await b.send(new ListExecutionsCommand({ stateMachineArn }))).executions!.map((x) => x.executionArn).sort();
    expect(await listed(sm.stateMachineArn!)).toEqual([failed.executionArn, ok.executionArn].sort());
    expect(await listed(alias.stateMachineAliasArn!)).toEqual([failed.executionArn]);
    expect(await listed(sm.stateMachineVersionArn!)).toEqual([failed.executionArn]);
    expect((await b.send(new DescribeStateMachineForExecutionCommand({ executionArn: failed.executionArn }))).name).toBe(name);
    expect((await b.send(new GetExecutionHistoryCommand({ executionArn: failed.executionArn }))).events!.at(-1)!.type).toBe('ExecutionFailed');
    const described = await b.send(new DescribeExecutionCommand({ executionArn: failed.executionArn }));
    expect({ redriveStatus: described.redriveStatus, alias: described.stateMachineAliasArn }).toEqual({ redriveStatus: 'REDRIVABLE', alias: alias.stateMachineAliasArn });
    await b.send(new RedriveExecutionCommand({ executionArn: failed.executionArn }));
    const redriven = await waitForEnd(b, failed.executionArn!);
    expect({ status: redriven.status, redriveCount: redriven.redriveCount }).toEqual({ status: 'FAILED', redriveCount: 1 });

    const updated = await b.send(new UpdateStateMachineCommand({ stateMachineArn: sm.stateMachineArn, definition: passMachine('v2'), publish: true }));
    expect(updated.stateMachineVersionArn).toBe(`${sm.stateMachineArn}:2`);
    expect((await b.send(new ListStateMachineVersionsCommand({ stateMachineArn: sm.stateMachineArn }))).stateMachineVersions!.map((v) => v.stateMachineVersionArn)).toEqual([
      updated.stateMachineVersionArn,
      sm.stateMachineVersionArn,
    ]);
    expect((await b.send(new DescribeStateMachineCommand({ stateMachineArn: sm.stateMachineVersionArn }))).definition).toBe(definition);
    await b.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: alias.stateMachineAliasArn, routingConfiguration: [{ stateMachineVersionArn: updated.stateMachineVersionArn!, weight: 100 }] }));
    const viaV2 = await b.send(new StartExecutionCommand({ stateMachineArn: alias.stateMachineAliasArn }));
    expect((await waitForEnd(b, viaV2.executionArn!)).output).toBe('"v2"');
    await b.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: sm.stateMachineVersionArn }));
    await b.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: alias.stateMachineAliasArn }));
    expect((await b.send(new ListStateMachineAliasesCommand({ stateMachineArn: sm.stateMachineArn }))).stateMachineAliases).toEqual([]);
    expect((await b.send(new PublishStateMachineVersionCommand({ stateMachineArn: sm.stateMachineArn }))).stateMachineVersionArn).toBe(updated.stateMachineVersionArn);

    await b.send(new TagResourceCommand({ resourceArn: sm.stateMachineArn, tags: [{ key: 'k2', value: 'v2' }] }));
    await b.send(new UntagResourceCommand({ resourceArn: sm.stateMachineArn, tagKeys: ['k'] }));
    expect((await b.send(new ListTagsForResourceCommand({ resourceArn: sm.stateMachineArn }))).tags).toEqual([{ key: 'k2', value: 'v2' }]);

    const express = await b.send(new CreateStateMachineCommand({ name: uniqueName('b-express'), type: 'EXPRESS', definition: passMachine('sync b'), roleArn: ROLE_ARN }));
    const sync = await b.send(new StartSyncExecutionCommand({ stateMachineArn: express.stateMachineArn }));
    expect({ output: sync.output, arn: sync.executionArn!.startsWith(`arn:aws:states:us-east-1:${B.accountId}:express:`) }).toEqual({ output: '"sync b"', arn: true });

    const fan = {
      StartAt: 'Fan',
      States: { Fan: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } },
    };
    const map = await b.send(new CreateStateMachineCommand({ name: uniqueName('b-fan'), definition: JSON.stringify(fan), roleArn: ROLE_ARN }));
    const mapRun = await b.send(new StartExecutionCommand({ stateMachineArn: map.stateMachineArn, input: '[1,2,3]' }));
    expect((await waitForEnd(b, mapRun.executionArn!)).output).toBe('[1,2,3]');
    const runs = (await b.send(new ListMapRunsCommand({ executionArn: mapRun.executionArn }))).mapRuns!;
    expect(runs).toHaveLength(1);
    expect(runs[0]!.mapRunArn).toContain(`:${B.accountId}:mapRun:`);
    const run = await b.send(new DescribeMapRunCommand({ mapRunArn: runs[0]!.mapRunArn }));
    expect({ status: run.status, succeeded: run.executionCounts!.succeeded }).toEqual({ status: 'SUCCEEDED', succeeded: 3 });
    await expectAwsError(b.send(new UpdateMapRunCommand({ mapRunArn: runs[0]!.mapRunArn, maxConcurrency: 1 })), 'ValidationException');

    // B's own listing pages with its own token.
    const first = await b.send(new ListStateMachinesCommand({ maxResults: 1 }));
    const second = await b.send(new ListStateMachinesCommand({ maxResults: 1, nextToken: first.nextToken }));
    expect(second.stateMachines![0]!.stateMachineArn).not.toBe(first.stateMachines![0]!.stateMachineArn);
    await b.send(new DeleteStateMachineCommand({ stateMachineArn: sm.stateMachineArn }));
    await expectAwsError(b.send(new DescribeStateMachineCommand({ stateMachineArn: sm.stateMachineArn })), 'StateMachineDoesNotExist');
    expect((await b.send(new ListStateMachinesCommand({}))).stateMachines!.map((m) => m.stateMachineArn)).not.toContain(sm.stateMachineArn);
  });

  test('the worker keeps executions in their account: another account\'s activity or machine is not there', async () => {
    const h = held;
    // B's execution naming A's activity fails as if the activity did not exist; A's task list gets nothing.
    const viaActivity = JSON.stringify({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: h.activityArn, End: true } } });
    const bActivityMachine = await b.send(new CreateStateMachineCommand({ name: uniqueName('b-act'), definition: viaActivity, roleArn: ROLE_ARN }));
    const bRun = await b.send(new StartExecutionCommand({ stateMachineArn: bActivityMachine.stateMachineArn }));
    const ended = await waitForEnd(b, bRun.executionArn!);
    expect({ status: ended.status, error: ended.error }).toEqual({ status: 'FAILED', error: 'States.Runtime' });
    expect(ended.cause).toContain('does not exist');
    // B's activity of the same name gets B's tasks only.
    const bActivityArn = `arn:aws:states:us-east-1:${B.accountId}:activity:${activityName}`;
    const ownActivity = JSON.stringify({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: bActivityArn, End: true } } });
    const bOwn = await b.send(new CreateStateMachineCommand({ name: uniqueName('b-own'), definition: ownActivity, roleArn: ROLE_ARN }));
    const bOwnRun = await b.send(new StartExecutionCommand({ stateMachineArn: bOwn.stateMachineArn, input: '{"who":"b"}' }));
    // The api's waiting-tasks gauge (sampled every 5 s) counts B's list too, under its scoped name.
    const gauge = new RegExp(`^redstep_activity_tasks_waiting\\{activity="${B.accountId}\\.us-east-1~${activityName}"\\} 1$`, 'm');
    const deadline = Date.now() + 30_000;
    while (!gauge.test(await (await fetch(`${api.endpoint}/metrics`)).text()) && Date.now() < deadline) await sleep(250);
    expect(await (await fetch(`${api.endpoint}/metrics`)).text()).toMatch(gauge);
    const bTask = await b.send(new GetActivityTaskCommand({ activityArn: bActivityArn }));
    expect(bTask.input).toBe('{"who":"b"}');
    await expectAwsError(a.send(new SendTaskSuccessCommand({ taskToken: bTask.taskToken, output: '"a"' })), 'InvalidToken');
    await b.send(new SendTaskSuccessCommand({ taskToken: bTask.taskToken, output: '"b done"' }));
    expect((await waitForEnd(b, bOwnRun.executionArn!)).output).toBe('"b done"');

    // A nested start of another account's machine fails; of its own, works.
    const nested = (target: string) =>
      JSON.stringify({ StartAt: 'Child', States: { Child: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2', Parameters: { StateMachineArn: target }, End: true } } });
    const bParent = await b.send(new CreateStateMachineCommand({ name: uniqueName('b-parent'), definition: nested(h.stateMachineArn), roleArn: ROLE_ARN }));
    const parentRun = await b.send(new StartExecutionCommand({ stateMachineArn: bParent.stateMachineArn }));
    const parentEnd = await waitForEnd(b, parentRun.executionArn!);
    expect({ status: parentEnd.status, error: parentEnd.error }).toEqual({ status: 'FAILED', error: 'StepFunctions.StateMachineDoesNotExistException' });
    const bChild = await b.send(new CreateStateMachineCommand({ name: uniqueName('b-child'), definition: passMachine('child of b'), roleArn: ROLE_ARN }));
    const bParent2 = await b.send(new CreateStateMachineCommand({ name: uniqueName('b-parent'), definition: nested(bChild.stateMachineArn!), roleArn: ROLE_ARN }));
    const run2 = await b.send(new StartExecutionCommand({ stateMachineArn: bParent2.stateMachineArn }));
    const end2 = await waitForEnd(b, run2.executionArn!);
    expect(end2.status).toBe('SUCCEEDED');
    expect(JSON.parse(end2.output!).ExecutionArn).toContain(`:${B.accountId}:execution:`);

    // A's own task is still A's to answer.
    await a.send(new SendTaskSuccessCommand({ taskToken: h.taskToken, output: '"a done"' }));
    expect((await waitForEnd(a, h.executionArn)).output).toBe('"a done"');
  });
});
