import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeStateMachineCommand,
  ListStateMachinesCommand,
  ListTagsForResourceCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, test } from 'vitest';
import { clusterFixture } from '../support/cluster.js';
import { ROLE_ARN, uniqueName } from '../support/sfn.js';
import { ACCOUNT_SCOPE, expectAwsError, tamperToken, passMachine } from './helpers.js';

const cluster = clusterFixture();

const create = (name: string, definition = passMachine(), roleArn = ROLE_ARN) =>
  cluster.sfn.send(new CreateStateMachineCommand({ name, definition, roleArn }));

describe('CreateStateMachine and DescribeStateMachine', () => {
  test('creates a STANDARD machine and describes it with AWS defaults', async () => {
    const name = uniqueName('sm');
    const definition = passMachine({ a: 1 });
    const before = Date.now();
    const created = await create(name, definition);
    expect(created.stateMachineArn).toBe(`${ACCOUNT_SCOPE}:stateMachine:${name}`);
    expect(created.creationDate!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const d = await cluster.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
    expect(d).toMatchObject({
      stateMachineArn: created.stateMachineArn,
      name,
      status: 'ACTIVE',
      definition,
      roleArn: ROLE_ARN,
      type: 'STANDARD',
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    });
    expect(d.creationDate!.getTime()).toBe(created.creationDate!.getTime());
  });

  test('an identical request is idempotent; roleArn and tags differences are ignored as AWS does', async () => {
    const name = uniqueName('idem');
    const first = await create(name);
    const again = await create(name);
    expect(again.stateMachineArn).toBe(first.stateMachineArn);
    expect(again.creationDate!.getTime()).toBe(first.creationDate!.getTime());
    const otherRole = 'arn:aws:iam::123456789012:role/other';
    const withRole = await cluster.sfn.send(
      new CreateStateMachineCommand({ name, definition: passMachine(), roleArn: otherRole, tags: [{ key: 'k', value: 'v' }] }),
    );
    expect(withRole.stateMachineArn).toBe(first.stateMachineArn);
    const d = await cluster.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: first.stateMachineArn }));
    expect(d.roleArn).toBe(ROLE_ARN);
    const tags = await cluster.sfn.send(new ListTagsForResourceCommand({ resourceArn: first.stateMachineArn }));
    expect(tags.tags).toEqual([]);
  });

  test('the same name with another definition is StateMachineAlreadyExists', async () => {
    const name = uniqueName('dup');
    const { stateMachineArn } = await create(name);
    const err = await expectAwsError(create(name, passMachine('different')), 'StateMachineAlreadyExists');
    expect(err.message).toContain(stateMachineArn);
  });

  test('tags given at creation are stored', async () => {
    const name = uniqueName('tagged');
    const { stateMachineArn } = await cluster.sfn.send(
      new CreateStateMachineCommand({ name, definition: passMachine(), roleArn: ROLE_ARN, tags: [{ key: 'team', value: 'red' }] }),
    );
    const tags = await cluster.sfn.send(new ListTagsForResourceCommand({ resourceArn: stateMachineArn }));
    expect(tags.tags).toEqual([{ key: 'team', value: 'red' }]);
  });

  test('more than 50 tags at creation is TooManyTags', async () => {
    const tags = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    const name = uniqueName('toomany');
    await expectAwsError(cluster.sfn.send(new CreateStateMachineCommand({ name, definition: passMachine(), roleArn: ROLE_ARN, tags })), 'TooManyTags');
    await expectAwsError(cluster.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${ACCOUNT_SCOPE}:stateMachine:${name}` })), 'StateMachineDoesNotExist');
  });

  test('bad names are InvalidName; bad definitions are InvalidDefinition', async () => {
    for (const name of ['has space', 'a/b', 'semi;colon', 'star*', 'tab\there']) {
      await expectAwsError(create(name), 'InvalidName');
    }
    const broken = [
      'not json',
      '{}',
      JSON.stringify({ StartAt: 'Missing', States: { P: { Type: 'Pass', End: true } } }),
      JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Next: 'Nowhere' } } }),
      JSON.stringify({ StartAt: 'P', States: { P: { Type: 'NoSuchType', End: true } } }),
    ];
    for (const definition of broken) {
      await expectAwsError(create(uniqueName('baddef'), definition), 'InvalidDefinition');
    }
  });

  test('Describe: malformed or wrong-kind ARNs are InvalidArn, an unknown machine is StateMachineDoesNotExist', async () => {
    const describe = (stateMachineArn: string) => cluster.sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    const prefix = await expectAwsError(describe('not-an-arn'), 'InvalidArn');
    expect(prefix.message).toBe("Invalid Arn: 'Invalid ARN prefix: not-an-arn'");
    const kind = await expectAwsError(describe(`${ACCOUNT_SCOPE}:activity:x`), 'InvalidArn');
    expect(kind.message).toBe("Invalid Arn: 'Resource type not valid in this context: activity'");
    await expectAwsError(describe(`${ACCOUNT_SCOPE}:execution:sm:x`), 'InvalidArn');
    await expectAwsError(describe('arn:aws:states:us-east-1:12345:stateMachine:x'), 'InvalidArn');
    const missing = `${ACCOUNT_SCOPE}:stateMachine:${uniqueName('nothere')}`;
    const err = await expectAwsError(describe(missing), 'StateMachineDoesNotExist');
    expect(err.message).toBe(`State Machine Does Not Exist: '${missing}'`);
  });

  test('an ARN of the same name in another account does not name our machine: IAM denies it', async () => {
    const name = uniqueName('acct');
    await create(name);
    await expectAwsError(
      cluster.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `arn:aws:states:us-east-1:999999999999:stateMachine:${name}` })),
      'AccessDeniedException',
    );
  });
});

describe('UpdateStateMachine', () => {
  test('updates definition and role, with a new revisionId', async () => {
    const { stateMachineArn } = await create(uniqueName('upd'));
    const before = await cluster.sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    const definition = passMachine('v2');
    const role = 'arn:aws:iam::123456789012:role/v2';
    const out = await cluster.sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition, roleArn: role }));
    expect(out.updateDate).toBeInstanceOf(Date);
    expect(out.revisionId).toBeTruthy();
    expect(out.revisionId).not.toBe(before.revisionId);
    const after = await cluster.sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    expect(after).toMatchObject({ definition, roleArn: role, revisionId: out.revisionId });
    expect(after.creationDate!.getTime()).toBe(before.creationDate!.getTime());
  });

  test('errors: nothing to update, bad definition, unknown machine, wrong ARN kind', async () => {
    const { stateMachineArn } = await create(uniqueName('upderr'));
    await expectAwsError(cluster.sfn.send(new UpdateStateMachineCommand({ stateMachineArn })), 'MissingRequiredParameter');
    await expectAwsError(cluster.sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: '{"StartAt":"X"}' })), 'InvalidDefinition');
    const d = await cluster.sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    expect(d.definition).toBe(passMachine());
    await expectAwsError(
      cluster.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: `${ACCOUNT_SCOPE}:stateMachine:${uniqueName('none')}`, definition: passMachine() })),
      'StateMachineDoesNotExist',
    );
    await expectAwsError(
      cluster.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: `${ACCOUNT_SCOPE}:activity:a`, definition: passMachine() })),
      'InvalidArn',
    );
  });
});

describe('DeleteStateMachine', () => {
  test('deletes; the machine is gone from Describe and List; its name can be reused', async () => {
    const name = uniqueName('del');
    const { stateMachineArn } = await create(name);
    await cluster.sfn.send(new DeleteStateMachineCommand({ stateMachineArn }));
    await expectAwsError(cluster.sfn.send(new DescribeStateMachineCommand({ stateMachineArn })), 'StateMachineDoesNotExist');
    const all = await listAll();
    expect(all.map((s) => s.stateMachineArn)).not.toContain(stateMachineArn);
    const again = await create(name, passMachine('reborn'));
    expect(again.stateMachineArn).toBe(stateMachineArn);
  });

  test('deleting an unknown machine succeeds; a wrong-kind ARN is InvalidArn', async () => {
    await cluster.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: `${ACCOUNT_SCOPE}:stateMachine:${uniqueName('ghost')}` }));
    await expectAwsError(cluster.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: 'arn:aws:sqs:us-east-1:123456789012:q' })), 'InvalidArn');
  });
});

async function listAll(maxResults?: number) {
  const items: { stateMachineArn?: string; name?: string }[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await cluster.sfn.send(new ListStateMachinesCommand({ maxResults, nextToken }));
    if (maxResults) expect(page.stateMachines!.length).toBeLessThanOrEqual(maxResults);
    items.push(...page.stateMachines!);
    nextToken = page.nextToken;
    pages++;
  } while (nextToken && pages < 1000);
  return items;
}

describe('ListStateMachines', () => {
  test('pages with maxResults and nextToken: every machine once, no gaps', async () => {
    const prefix = uniqueName('page');
    const names = Array.from({ length: 7 }, (_, i) => `${prefix}-${i}`);
    for (const n of names) await create(n);
    const all = await listAll(3);
    const arns = all.map((s) => s.stateMachineArn);
    expect(new Set(arns).size).toBe(arns.length);
    const ours = all.filter((s) => s.name!.startsWith(`${prefix}-`)).map((s) => s.name);
    expect(ours.sort()).toEqual([...names].sort());
    const item = all.find((s) => s.name === names[0]);
    expect(item).toMatchObject({ type: 'STANDARD', stateMachineArn: `${ACCOUNT_SCOPE}:stateMachine:${names[0]}` });
    expect((item as { creationDate?: Date }).creationDate).toBeInstanceOf(Date);
    // Without maxResults one page holds them all (default page size 100).
    const single = await cluster.sfn.send(new ListStateMachinesCommand({}));
    expect(single.nextToken).toBeUndefined();
    expect(single.stateMachines!.length).toBe(all.length);
  });

  test('a tampered or foreign nextToken is InvalidToken', async () => {
    for (let i = 0; i < 3; i++) await create(uniqueName('tok'));
    const first = await cluster.sfn.send(new ListStateMachinesCommand({ maxResults: 1 }));
    expect(first.nextToken).toBeTruthy();
    const token = first.nextToken!;
    const forged = tamperToken(token);
    await expectAwsError(cluster.sfn.send(new ListStateMachinesCommand({ maxResults: 1, nextToken: forged })), 'InvalidToken');
    await expectAwsError(cluster.sfn.send(new ListStateMachinesCommand({ nextToken: 'garbage!' })), 'InvalidToken');
    await expectAwsError(cluster.sfn.send(new ListStateMachinesCommand({ nextToken: `${token.slice(0, -4)}AAAA` })), 'InvalidToken');
    const second = await cluster.sfn.send(new ListStateMachinesCommand({ maxResults: 1, nextToken: token }));
    expect(second.stateMachines![0]!.stateMachineArn).not.toBe(first.stateMachines![0]!.stateMachineArn);
  });
});
