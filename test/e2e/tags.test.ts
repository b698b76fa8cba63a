import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DeleteActivityCommand,
  DeleteStateMachineCommand,
  ListTagsForResourceCommand,
  ResourceNotFound,
  TagResourceCommand,
  UntagResourceCommand,
  type Tag,
} from '@aws-sdk/client-sfn';
import { describe, expect, test } from 'vitest';
import { clusterFixture } from '../support/cluster.js';
import { ROLE_ARN, uniqueName } from '../support/sfn.js';
import { ACCOUNT_SCOPE, expectAwsError, passMachine } from './helpers.js';

const cluster = clusterFixture();

const stateMachine = async (name = uniqueName('tags-sm'), tags?: Tag[]) =>
  (await cluster.sfn.send(new CreateStateMachineCommand({ name, definition: passMachine(), roleArn: ROLE_ARN, tags }))).stateMachineArn!;
const listTags = async (resourceArn: string) => {
  const tags = (await cluster.sfn.send(new ListTagsForResourceCommand({ resourceArn }))).tags!;
  return [...tags].sort((a, b) => a.key!.localeCompare(b.key!));
};
const tag = (resourceArn: string, tags: Tag[]) => cluster.sfn.send(new TagResourceCommand({ resourceArn, tags }));
const untag = (resourceArn: string, tagKeys: string[]) => cluster.sfn.send(new UntagResourceCommand({ resourceArn, tagKeys }));

describe('TagResource, UntagResource, ListTagsForResource', () => {
  test('state machine: add, overwrite, remove, list', async () => {
    const arn = await stateMachine(undefined, [{ key: 'env', value: 'dev' }]);
    await tag(arn, [
      { key: 'env', value: 'prod' },
      { key: 'team', value: 'red' },
      { key: 'empty', value: '' },
    ]);
    expect(await listTags(arn)).toEqual([
      { key: 'empty', value: '' },
      { key: 'env', value: 'prod' },
      { key: 'team', value: 'red' },
    ]);
    await untag(arn, ['team', 'not-there']);
    expect(await listTags(arn)).toEqual([
      { key: 'empty', value: '' },
      { key: 'env', value: 'prod' },
    ]);
  });

  test('activity: tags work the same; deleting the resource drops its tags', async () => {
    const name = uniqueName('tags-act');
    const { activityArn } = await cluster.sfn.send(new CreateActivityCommand({ name }));
    await tag(activityArn!, [{ key: 'k', value: 'v' }]);
    expect(await listTags(activityArn!)).toEqual([{ key: 'k', value: 'v' }]);
    await cluster.sfn.send(new DeleteActivityCommand({ activityArn }));
    await expectAwsError(listTags(activityArn!), 'ResourceNotFound');
    await cluster.sfn.send(new CreateActivityCommand({ name }));
    expect(await listTags(activityArn!)).toEqual([]);

    const smName = uniqueName('tags-del');
    const smArn = await stateMachine(smName, [{ key: 'old', value: '1' }]);
    await cluster.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: smArn }));
    await stateMachine(smName);
    expect(await listTags(smArn)).toEqual([]);
  });

  test('more than 50 tags on a resource is TooManyTags, and nothing is applied', async () => {
    const arn = await stateMachine();
    await tag(arn, Array.from({ length: 45 }, (_, i) => ({ key: `a${i}`, value: 'x' })));
    const err = await expectAwsError(tag(arn, Array.from({ length: 6 }, (_, i) => ({ key: `b${i}`, value: 'y' }))), 'TooManyTags');
    expect((err as unknown as { resourceName?: string }).resourceName).toBe(arn);
    expect(await listTags(arn)).toHaveLength(45);
    // Overwriting existing keys does not count twice.
    await tag(arn, Array.from({ length: 5 }, (_, i) => ({ key: `a${i}`, value: 'z' })).concat([{ key: 'c', value: '' }]));
    expect(await listTags(arn)).toHaveLength(46);
  });

  test('unknown resources are ResourceNotFound; malformed ARNs are InvalidArn; model limits are ValidationException', async () => {
    const missing = `${ACCOUNT_SCOPE}:stateMachine:${uniqueName('none')}`;
    const err = await expectAwsError(tag(missing, [{ key: 'k', value: 'v' }]), 'ResourceNotFound');
    expect(err).toBeInstanceOf(ResourceNotFound);
    expect((err as ResourceNotFound).resourceName).toBe(missing);
    await expectAwsError(untag(missing, ['k']), 'ResourceNotFound');
    await expectAwsError(listTags(missing), 'ResourceNotFound');
    await expectAwsError(listTags(`${ACCOUNT_SCOPE}:activity:${uniqueName('none')}`), 'ResourceNotFound');
    await expectAwsError(listTags('not-an-arn'), 'InvalidArn');
    await expectAwsError(tag('arn:aws:states:us-east-1:1:stateMachine:x', [{ key: 'k' }]), 'InvalidArn');

    const arn = await stateMachine();
    await expectAwsError(tag(arn, [{ key: 'k'.repeat(129), value: 'v' }]), 'ValidationException');
    await expectAwsError(tag(arn, [{ key: 'k', value: 'v'.repeat(257) }]), 'ValidationException');
    await expectAwsError(untag(arn, ['']), 'ValidationException');
    expect(await listTags(arn)).toEqual([]);
  });
});
