import {
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  DeleteStateMachineAliasCommand,
  DeleteStateMachineCommand,
  DeleteStateMachineVersionCommand,
  DescribeExecutionCommand,
  DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachineAliasesCommand,
  ListStateMachineVersionsCommand,
  PublishStateMachineVersionCommand,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  TagResourceCommand,
  UpdateStateMachineAliasCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, test } from 'vitest';
import { SFNClient } from '@aws-sdk/client-sfn';
import { clusterFixture } from '../support/cluster.js';
import { ROLE_ARN, uniqueName, waitForEnd } from '../support/sfn.js';
import { ACCOUNT_SCOPE, expectAwsError, passMachine } from './helpers.js';

const cluster = clusterFixture();


async function machine(definition = passMachine('r0'), opts: { publish?: boolean; versionDescription?: string; type?: 'STANDARD' | 'EXPRESS' } = {}) {
  const name = uniqueName('ver');
  const out = await cluster.sfn.send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE_ARN, ...opts }));
  return { name, arn: out.stateMachineArn!, versionArn: out.stateMachineVersionArn };
}

const update = (stateMachineArn: string, definition: string, publish?: boolean, versionDescription?: string) =>
  cluster.sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition, ...(publish !== undefined ? { publish } : {}), ...(versionDescription ? { versionDescription } : {}) }));
const publish = (stateMachineArn: string, extra: { revisionId?: string; description?: string } = {}) =>
  cluster.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn, ...extra }));
const describe_ = (stateMachineArn: string) => cluster.sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
const listVersions = (stateMachineArn: string, maxResults?: number, nextToken?: string) =>
  cluster.sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn, ...(maxResults ? { maxResults } : {}), ...(nextToken ? { nextToken } : {}) }));
const createAlias = (name: string, routes: [string, number][], description?: string) =>
  cluster.sfn.send(
    new CreateStateMachineAliasCommand({
      name,
      routingConfiguration: routes.map(([stateMachineVersionArn, weight]) => ({ stateMachineVersionArn, weight })),
      ...(description !== undefined ? { description } : {}),
    }),
  );

/** A machine with versions 1 and 2 (results 'r1' and 'r2'). */
async function twoVersions(type: 'STANDARD' | 'EXPRESS' = 'STANDARD') {
  const sm = await machine(passMachine('r1'), { publish: true, type });
  const v2 = await update(sm.arn, passMachine('r2'), true);
  return { ...sm, v1: sm.versionArn!, v2: v2.stateMachineVersionArn! };
}

describe('PublishStateMachineVersion, CreateStateMachine/UpdateStateMachine with publish', () => {
  test('create with publish makes version 1; the machine and version have no revisionId yet', async () => {
    const sm = await machine(passMachine('a'), { publish: true, versionDescription: 'first' });
    expect(sm.versionArn).toBe(`${sm.arn}:1`);
    const base = await describe_(sm.arn);
    expect(base.revisionId).toBeUndefined();
    expect(base.stateMachineArn).toBe(sm.arn);
    const v = await describe_(sm.versionArn!);
    expect(v).toMatchObject({ stateMachineArn: sm.versionArn, name: sm.name, definition: passMachine('a'), roleArn: ROLE_ARN, type: 'STANDARD', status: 'ACTIVE', description: 'first' });
    expect(v.revisionId).toBeUndefined();
    const noDesc = await machine(passMachine('b'), { publish: true });
    expect((await describe_(noDesc.versionArn!)).description).toBeUndefined();
  });

  test('versionDescription without publish is a ValidationException', async () => {
    const err = await expectAwsError(
      cluster.sfn.send(new CreateStateMachineCommand({ name: uniqueName('vd'), definition: passMachine(), roleArn: ROLE_ARN, versionDescription: 'x' })),
      'ValidationException',
    );
    expect(err.message).toBe('Version description can only be set when publish is true');
  });

  test('versions are immutable snapshots: updating the machine leaves them as published', async () => {
    const sm = await machine(passMachine('r0'));
    const u1 = await update(sm.arn, passMachine('r1'));
    const p1 = await publish(sm.arn, { description: 'one' });
    expect(p1.stateMachineVersionArn).toBe(`${sm.arn}:1`);
    const u2 = await update(sm.arn, passMachine('r2'));
    const p2 = await publish(sm.arn, { revisionId: u2.revisionId! });
    expect(p2.stateMachineVersionArn).toBe(`${sm.arn}:2`);
    const d1 = await describe_(p1.stateMachineVersionArn!);
    expect(d1).toMatchObject({ definition: passMachine('r1'), revisionId: u1.revisionId, description: 'one' });
    expect(d1.creationDate!.getTime()).toBe(p1.creationDate!.getTime());
    const d2 = await describe_(p2.stateMachineVersionArn!);
    expect(d2).toMatchObject({ definition: passMachine('r2'), revisionId: u2.revisionId });
    expect(d2.description).toBeUndefined();
    expect((await describe_(sm.arn)).revisionId).toBe(u2.revisionId);
  });

  test('publishing the same revision twice answers the existing version', async () => {
    const sm = await machine();
    const a = await publish(sm.arn);
    const b = await publish(sm.arn, { description: 'ignored' });
    expect(b.stateMachineVersionArn).toBe(a.stateMachineVersionArn);
    expect(b.creationDate!.getTime()).toBe(a.creationDate!.getTime());
    const list = await listVersions(sm.arn);
    expect(list.stateMachineVersions!.map((v) => v.stateMachineVersionArn)).toEqual([`${sm.arn}:1`]);
    // An update that changes nothing makes no new revision: publish answers version 1 again.
    const same = await update(sm.arn, passMachine('r0'), true);
    expect(same.stateMachineVersionArn).toBe(`${sm.arn}:1`);
    expect(same.revisionId).toBeUndefined();
  });

  test('revisionId: a stale one is ConflictException, INITIAL names the first revision', async () => {
    const sm = await machine();
    const p = await publish(sm.arn, { revisionId: 'INITIAL' });
    expect(p.stateMachineVersionArn).toBe(`${sm.arn}:1`);
    const u1 = await update(sm.arn, passMachine('x1'));
    await update(sm.arn, passMachine('x2'));
    const u3 = await update(sm.arn, passMachine('x3'));
    const err = await expectAwsError(publish(sm.arn, { revisionId: u1.revisionId! }), 'ConflictException');
    expect(err.message).toBe(`Failed to publish the State Machine version for revision ${u1.revisionId}. The current State Machine revision is ${u3.revisionId}.`);
    await expectAwsError(publish(sm.arn, { revisionId: 'INITIAL' }), 'ConflictException');
    expect((await publish(sm.arn, { revisionId: u3.revisionId! })).stateMachineVersionArn).toBe(`${sm.arn}:2`);
  });

  test('UpdateStateMachine with publish answers the version ARN; numbers count up and are never reused', async () => {
    const sm = await machine(passMachine('r0'), { publish: true });
    const u = await update(sm.arn, passMachine('r1'), true, 'second');
    expect(u.stateMachineVersionArn).toBe(`${sm.arn}:2`);
    expect((await describe_(u.stateMachineVersionArn!)).description).toBe('second');
    await cluster.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: u.stateMachineVersionArn! }));
    const again = await publish(sm.arn);
    expect(again.stateMachineVersionArn).toBe(`${sm.arn}:3`);
    await expectAwsError(describe_(`${sm.arn}:2`), 'StateMachineDoesNotExist');
  });

  test('errors: unknown machine, wrong ARN kind, UpdateStateMachine on a version ARN', async () => {
    const missing = `${ACCOUNT_SCOPE}:stateMachine:${uniqueName('none')}`;
    const err = await expectAwsError(publish(missing), 'StateMachineDoesNotExist');
    expect(err.message).toBe(`State Machine Does Not Exist: '${missing}'`);
    await expectAwsError(publish('not-an-arn'), 'InvalidArn');
    await expectAwsError(publish(`${ACCOUNT_SCOPE}:activity:a`), 'InvalidArn');
    const sm = await machine(passMachine(), { publish: true });
    const upd = await expectAwsError(update(sm.versionArn!, passMachine('z')), 'StateMachineDoesNotExist');
    expect(upd.message).toBe(`State Machine Does Not Exist: '${sm.versionArn}'`);
    await expectAwsError(describe_(`${sm.arn}:99`), 'StateMachineDoesNotExist');
  });

  test('the quota of 1000 versions per machine is ServiceQuotaExceededException', async () => {
    const sm = await machine(passMachine(0));
    for (let i = 1; i <= 1000; i++) {
      await update(sm.arn, passMachine(i), true);
    }
    expect((await listVersions(sm.arn, 1)).stateMachineVersions![0]!.stateMachineVersionArn).toBe(`${sm.arn}:1000`);
    await update(sm.arn, passMachine(1001));
    const err = await expectAwsError(publish(sm.arn), 'ServiceQuotaExceededException');
    expect(err.message).toContain('1000');
    await expectAwsError(update(sm.arn, passMachine(1002), true), 'ServiceQuotaExceededException');
    await cluster.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${sm.arn}:5` }));
    expect((await publish(sm.arn)).stateMachineVersionArn).toBe(`${sm.arn}:1001`);
  }, 120_000);
});

describe('ListStateMachineVersions and DeleteStateMachineVersion', () => {
  test('lists newest first with pagination', async () => {
    const sm = await machine(passMachine(0), { publish: true });
    for (let i = 1; i < 5; i++) await update(sm.arn, passMachine(i), true);
    const p1 = await listVersions(sm.arn, 2);
    expect(p1.stateMachineVersions!.map((v) => v.stateMachineVersionArn)).toEqual([`${sm.arn}:5`, `${sm.arn}:4`]);
    expect(p1.nextToken).toBeTruthy();
    const p2 = await listVersions(sm.arn, 2, p1.nextToken);
    expect(p2.stateMachineVersions!.map((v) => v.stateMachineVersionArn)).toEqual([`${sm.arn}:3`, `${sm.arn}:2`]);
    const p3 = await listVersions(sm.arn, 2, p2.nextToken);
    expect(p3.stateMachineVersions!.map((v) => v.stateMachineVersionArn)).toEqual([`${sm.arn}:1`]);
    expect(p3.nextToken).toBeUndefined();
    expect(p1.stateMachineVersions![0]!.creationDate).toBeInstanceOf(Date);
    await expectAwsError(listVersions(sm.arn, 2, 'garbage'), 'InvalidToken');
    await expectAwsError(listVersions(`${sm.arn}:1`), 'InvalidArn');
  });

  test('deletes a version; deleting a missing one succeeds; a version an alias routes to is ConflictException', async () => {
    const sm = await twoVersions();
    const alias = uniqueName('live');
    await createAlias(alias, [[sm.v1, 100]]);
    const err = await expectAwsError(cluster.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: sm.v1 })), 'ConflictException');
    expect(err.message).toBe(`Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${alias}]`);
    await cluster.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: sm.v2 }));
    await cluster.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: sm.v2 }));
    await cluster.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${ACCOUNT_SCOPE}:stateMachine:${uniqueName('none')}:1` }));
    expect((await listVersions(sm.arn)).stateMachineVersions!.map((v) => v.stateMachineVersionArn)).toEqual([sm.v1]);
    await expectAwsError(cluster.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: sm.arn })), 'InvalidArn');
    await cluster.sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: `${sm.arn}:${alias}` }));
    await cluster.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: sm.v1 }));
    expect((await listVersions(sm.arn)).stateMachineVersions).toEqual([]);
  });
});

describe('aliases', () => {
  test('create, describe, update, list, delete', async () => {
    const sm = await twoVersions();
    const name = uniqueName('PROD');
    const created = await createAlias(name, [[sm.v1, 100]], 'the live one');
    const aliasArn = `${sm.arn}:${name}`;
    expect(created.stateMachineAliasArn).toBe(aliasArn);
    const d = await cluster.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: aliasArn }));
    expect(d).toMatchObject({ stateMachineAliasArn: aliasArn, name, description: 'the live one', routingConfiguration: [{ stateMachineVersionArn: sm.v1, weight: 100 }] });
    expect(d.creationDate!.getTime()).toBe(created.creationDate!.getTime());
    expect(d.updateDate!.getTime()).toBe(created.creationDate!.getTime());

    const u = await cluster.sfn.send(
      new UpdateStateMachineAliasCommand({ stateMachineAliasArn: aliasArn, routingConfiguration: [{ stateMachineVersionArn: sm.v1, weight: 50 }, { stateMachineVersionArn: sm.v2, weight: 50 }] }),
    );
    const d2 = await cluster.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: aliasArn }));
    expect(d2.description).toBe('the live one');
    expect(d2.routingConfiguration).toEqual([{ stateMachineVersionArn: sm.v1, weight: 50 }, { stateMachineVersionArn: sm.v2, weight: 50 }]);
    expect(d2.updateDate!.getTime()).toBe(u.updateDate!.getTime());
    await cluster.sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: aliasArn, description: 'new description' }));
    const d3 = await cluster.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: aliasArn }));
    expect(d3.description).toBe('new description');
    expect(d3.routingConfiguration).toHaveLength(2);

    const other = uniqueName('BETA');
    await createAlias(other, [[sm.v2, 100]]);
    const all = await cluster.sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: sm.arn }));
    expect(all.stateMachineAliases!.map((a) => a.stateMachineAliasArn).sort()).toEqual([aliasArn, `${sm.arn}:${other}`].sort());
    const page1 = await cluster.sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: sm.arn, maxResults: 1 }));
    expect(page1.stateMachineAliases).toHaveLength(1);
    const page2 = await cluster.sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: sm.arn, maxResults: 1, nextToken: page1.nextToken! }));
    expect(page2.stateMachineAliases).toHaveLength(1);
    expect(page2.nextToken).toBeUndefined();
    expect(page2.stateMachineAliases![0]!.stateMachineAliasArn).not.toBe(page1.stateMachineAliases![0]!.stateMachineAliasArn);
    // By version ARN: the aliases that route to that version.
    const byV1 = await cluster.sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: sm.v1 }));
    expect(byV1.stateMachineAliases!.map((a) => a.stateMachineAliasArn)).toEqual([aliasArn]);

    await cluster.sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: aliasArn }));
    await cluster.sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: aliasArn }));
    await expectAwsError(cluster.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: aliasArn })), 'ResourceNotFound');
    const upd = await expectAwsError(cluster.sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: aliasArn, description: 'x' })), 'ResourceNotFound');
    expect(upd.message).toBe('Request references a resource that does not exist.');
    const left = await cluster.sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: sm.arn }));
    expect(left.stateMachineAliases!.map((a) => a.stateMachineAliasArn)).toEqual([`${sm.arn}:${other}`]);
  });

  test('an identical create is idempotent; a different one is ConflictException', async () => {
    const sm = await twoVersions();
    const name = uniqueName('idem');
    const a = await createAlias(name, [[sm.v1, 100]], 'd');
    const b = await createAlias(name, [[sm.v1, 100]], 'd');
    expect(b).toMatchObject({ stateMachineAliasArn: a.stateMachineAliasArn });
    expect(b.creationDate!.getTime()).toBe(a.creationDate!.getTime());
    const msg = 'Failed to create alias because an alias with the same name and a different routing configuration already exists.';
    expect((await expectAwsError(createAlias(name, [[sm.v1, 100]], 'other'), 'ConflictException')).message).toBe(msg);
    expect((await expectAwsError(createAlias(name, [[sm.v2, 100]], 'd'), 'ConflictException')).message).toBe(msg);
  });

  test('routing and name validation', async () => {
    const sm = await twoVersions();
    const n = () => uniqueName('bad');
    let err = await expectAwsError(createAlias(n(), [[sm.arn, 100]]), 'ValidationException');
    expect(err.message).toBe(`Routing configuration must contain state machine version ARNs. Received: [${sm.arn}]`);
    err = await expectAwsError(createAlias(n(), [[sm.v1, 50], [sm.v1, 50]]), 'ValidationException');
    expect(err.message).toBe(`Routing configuration must contain distinct state machine version ARNs. Received: [${sm.v1}, ${sm.v1}]`);
    err = await expectAwsError(createAlias(n(), [[sm.v1, 70], [sm.v2, 29]]), 'ValidationException');
    expect(err.message).toBe('Sum of routing configuration weights must equal 100. Received: [70, 29]');
    await expectAwsError(createAlias(n(), [[sm.v1, 101]]), 'ValidationException');
    await expectAwsError(createAlias(n(), [[sm.v1, 50], [sm.v2, 30], [`${sm.arn}:3`, 20]]), 'ValidationException');
    const other = await machine(passMachine(), { publish: true });
    await expectAwsError(createAlias(n(), [[sm.v1, 50], [other.versionArn!, 50]]), 'ValidationException');
    for (const bad of ['123', 'INVALID ALIAS', '!INVALID', 'A'.repeat(81)]) {
      await expectAwsError(createAlias(bad, [[sm.v1, 100]]), 'ValidationException');
    }
    // A version that does not exist, or a machine that does not exist.
    err = await expectAwsError(createAlias(n(), [[`${sm.arn}:9`, 100]]), 'ResourceNotFound');
    expect(err.message).toBe('Request references a resource that does not exist.');
    await expectAwsError(createAlias(n(), [[`${ACCOUNT_SCOPE}:stateMachine:${uniqueName('none')}:1`, 100]]), 'ResourceNotFound');
    await expectAwsError(createAlias(n(), [['nope', 100]]), 'ValidationException');
    // Update checks the same rules and needs something to change.
    const alias = uniqueName('ok');
    await createAlias(alias, [[sm.v1, 100]]);
    const arn = `${sm.arn}:${alias}`;
    await expectAwsError(cluster.sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: arn })), 'ValidationException');
    await expectAwsError(
      cluster.sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: arn, routingConfiguration: [{ stateMachineVersionArn: sm.v1, weight: 99 }] })),
      'ValidationException',
    );
    await expectAwsError(
      cluster.sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: arn, routingConfiguration: [{ stateMachineVersionArn: `${sm.arn}:7`, weight: 100 }] })),
      'ResourceNotFound',
    );
    await expectAwsError(cluster.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: sm.arn })), 'InvalidArn');
    await expectAwsError(cluster.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: sm.v1 })), 'InvalidArn');
    await expectAwsError(cluster.sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: `${ACCOUNT_SCOPE}:stateMachine:${uniqueName('none')}` })), 'StateMachineDoesNotExist');
    await expectAwsError(cluster.sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: `${sm.arn}:42` })), 'ResourceNotFound');
  });

  test('the quota of 100 aliases per machine is ServiceQuotaExceededException', async () => {
    const sm = await machine(passMachine(), { publish: true });
    await Promise.all(Array.from({ length: 100 }, (_, i) => createAlias(`a${i}`, [[sm.versionArn!, 100]])));
    await expectAwsError(createAlias('one-more', [[sm.versionArn!, 100]]), 'ServiceQuotaExceededException');
    const all = await cluster.sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: sm.arn, maxResults: 1000 }));
    expect(all.stateMachineAliases).toHaveLength(100);
  });

  test('aliases and versions are not taggable resources; DescribeStateMachine on an alias ARN names no state machine', async () => {
    const sm = await machine(passMachine(), { publish: true });
    await createAlias('tagme', [[sm.versionArn!, 100]]);
    await expectAwsError(cluster.sfn.send(new TagResourceCommand({ resourceArn: `${sm.arn}:tagme`, tags: [{ key: 'k', value: 'v' }] })), 'ResourceNotFound');
    await expectAwsError(cluster.sfn.send(new TagResourceCommand({ resourceArn: sm.versionArn!, tags: [{ key: 'k', value: 'v' }] })), 'ResourceNotFound');
    await expectAwsError(describe_(`${sm.arn}:tagme`), 'StateMachineDoesNotExist');
  });

  test('DeleteStateMachine removes its versions and aliases', async () => {
    const sm = await twoVersions();
    await createAlias('gone', [[sm.v1, 100]]);
    await cluster.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: sm.arn }));
    await expectAwsError(describe_(sm.v1), 'StateMachineDoesNotExist');
    await expectAwsError(cluster.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: `${sm.arn}:gone` })), 'ResourceNotFound');
    // Re-created under the same name, it starts again from version 1 with no aliases.
    const again = await cluster.sfn.send(new CreateStateMachineCommand({ name: sm.name, definition: passMachine('new'), roleArn: ROLE_ARN, publish: true }));
    expect(again.stateMachineVersionArn).toBe(`${sm.arn}:1`);
    expect((await describe_(`${sm.arn}:1`)).definition).toBe(passMachine('new'));
    expect((await listVersions(sm.arn)).stateMachineVersions).toHaveLength(1);
    expect((await cluster.sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: sm.arn }))).stateMachineAliases).toEqual([]);
  });
});

describe('executions through versions and aliases', () => {
  const start = (stateMachineArn: string, name?: string) => cluster.sfn.send(new StartExecutionCommand({ stateMachineArn, ...(name ? { name } : {}) }));

  test('a version ARN runs that version; DescribeExecution, history and ListExecutions report it', async () => {
    const sm = await twoVersions();
    await update(sm.arn, passMachine('r3')); // current revision moves past both versions
    const viaVersion = await start(sm.v1);
    const viaMachine = await start(sm.arn);
    const d = await waitForEnd(cluster.sfn, viaVersion.executionArn!);
    expect(d).toMatchObject({ status: 'SUCCEEDED', output: '"r1"', stateMachineArn: sm.arn, stateMachineVersionArn: sm.v1 });
    expect(d.stateMachineAliasArn).toBeUndefined();
    expect(viaVersion.executionArn!.startsWith(`${ACCOUNT_SCOPE}:execution:${sm.name}:`)).toBe(true);
    const plain = await waitForEnd(cluster.sfn, viaMachine.executionArn!);
    expect(plain.output).toBe('"r3"');
    expect(plain.stateMachineVersionArn).toBeUndefined();
    const history = await cluster.sfn.send(new GetExecutionHistoryCommand({ executionArn: viaVersion.executionArn! }));
    expect(history.events![0]!.executionStartedEventDetails).toMatchObject({ stateMachineVersionArn: sm.v1, roleArn: ROLE_ARN });
    expect(history.events![0]!.executionStartedEventDetails!.stateMachineAliasArn).toBeUndefined();
    const byVersion = await cluster.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm.v1 }));
    expect(byVersion.executions!.map((e) => e.executionArn)).toEqual([viaVersion.executionArn]);
    expect(byVersion.executions![0]).toMatchObject({ stateMachineArn: sm.arn, stateMachineVersionArn: sm.v1 });
    const all = await cluster.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm.arn }));
    expect(all.executions!.map((e) => e.executionArn).sort()).toEqual([viaVersion.executionArn, viaMachine.executionArn].sort());
    expect((await cluster.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm.v2 }))).executions).toEqual([]);
    await expectAwsError(start(`${sm.arn}:9`), 'StateMachineDoesNotExist');
    await expectAwsError(start(`${sm.arn}:nosuchalias`), 'StateMachineDoesNotExist');
  });

  test('a weighted alias splits executions between its versions', async () => {
    const sm = await twoVersions();
    const alias = uniqueName('split');
    const { stateMachineAliasArn } = await createAlias(alias, [[sm.v1, 50], [sm.v2, 50]]);
    const started: string[] = [];
    for (let i = 0; i < 200; i += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, () => start(stateMachineAliasArn!)));
      started.push(...batch.map((b) => b.executionArn!));
    }
    const described = await Promise.all(started.map((executionArn) => cluster.sfn.send(new DescribeExecutionCommand({ executionArn }))));
    const onV1 = described.filter((d) => d.stateMachineVersionArn === sm.v1).length;
    const onV2 = described.filter((d) => d.stateMachineVersionArn === sm.v2).length;
    expect(onV1).toBeGreaterThan(0);
    expect(onV2).toBeGreaterThan(0);
    expect(onV1 + onV2).toBe(200);
    expect(described.every((d) => d.stateMachineAliasArn === stateMachineAliasArn)).toBe(true);
    // Each ran the definition of the version it was routed to.
    for (const arn of started.slice(0, 20)) {
      const d = await waitForEnd(cluster.sfn, arn);
      expect(d.output).toBe(d.stateMachineVersionArn === sm.v1 ? '"r1"' : '"r2"');
      const h = await cluster.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 1 }));
      expect(h.events![0]!.executionStartedEventDetails).toMatchObject({ stateMachineAliasArn, stateMachineVersionArn: d.stateMachineVersionArn });
    }
    // ListExecutions by alias ARN lists exactly the executions started through it.
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await cluster.sfn.send(new ListExecutionsCommand({ stateMachineArn: stateMachineAliasArn!, maxResults: 50, ...(nextToken ? { nextToken } : {}) }));
      seen.push(...page.executions!.map((e) => e.executionArn!));
      expect(page.executions!.every((e) => e.stateMachineAliasArn === stateMachineAliasArn)).toBe(true);
      nextToken = page.nextToken;
    } while (nextToken);
    expect(seen.sort()).toEqual([...started].sort());
    const byV2 = await cluster.sfn.send(new ListExecutionsCommand({ stateMachineArn: sm.v2, maxResults: 1000 }));
    expect(byV2.executions).toHaveLength(onV2);
  }, 60_000);

  test('an alias moved to another version routes new executions there', async () => {
    const sm = await twoVersions();
    const { stateMachineAliasArn } = await createAlias(uniqueName('mv'), [[sm.v1, 100]]);
    const before = await waitForEnd(cluster.sfn, (await start(stateMachineAliasArn!)).executionArn!);
    expect(before).toMatchObject({ output: '"r1"', stateMachineVersionArn: sm.v1 });
    await cluster.sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: stateMachineAliasArn!, routingConfiguration: [{ stateMachineVersionArn: sm.v2, weight: 100 }] }));
    const after = await waitForEnd(cluster.sfn, (await start(stateMachineAliasArn!)).executionArn!);
    expect(after).toMatchObject({ output: '"r2"', stateMachineVersionArn: sm.v2, stateMachineAliasArn });
  });

  test('StartSyncExecution on an EXPRESS version and alias runs that version', async () => {
    // The SDK sends StartSyncExecution to a "sync-" host; a local endpoint has none.
    const sync = new SFNClient({
      endpoint: cluster.api.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
      disableHostPrefix: true,
    });
    const sm = await twoVersions('EXPRESS');
    const viaV1 = await sync.send(new StartSyncExecutionCommand({ stateMachineArn: sm.v1 }));
    expect(viaV1).toMatchObject({ status: 'SUCCEEDED', output: '"r1"', stateMachineArn: sm.arn });
    const { stateMachineAliasArn } = await createAlias(uniqueName('x'), [[sm.v2, 100]]);
    const viaAlias = await sync.send(new StartSyncExecutionCommand({ stateMachineArn: stateMachineAliasArn! }));
    expect(viaAlias.output).toBe('"r2"');
    await expectAwsError(sync.send(new StartSyncExecutionCommand({ stateMachineArn: `${sm.arn}:5` })), 'StateMachineDoesNotExist');
  });
});

