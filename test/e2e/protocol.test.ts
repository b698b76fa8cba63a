import { CreateStateMachineCommand, ListStateMachinesCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { connect } from 'node:net';
import { describe, expect, test } from 'vitest';
import { clusterFixture } from '../support/cluster.js';
import { ROLE_ARN, uniqueName } from '../support/sfn.js';
import { expectAwsError, passMachine, rawCall } from './helpers.js';

const cluster = clusterFixture();

describe('AWS JSON 1.0 protocol', () => {
  test('an unknown X-Amz-Target is UnknownOperationException, a client fault', async () => {
    for (const target of ['AWSStepFunctions.NoSuchAction', 'SomethingElse.ListStateMachines', 'AWSStepFunctions.', 'AWSStepFunctions.hasOwnProperty']) {
      const res = await rawCall(cluster.api.endpoint, target, '{}');
      expect(res.status, target).toBe(400);
      expect(res.json?.__type, target).toBe('UnknownOperationException');
      expect(res.errorType).toBe('UnknownOperationException');
    }
    const none = await rawCall(cluster.api.endpoint, undefined, '{}');
    expect(none.status).toBe(400);
    expect(none.json?.__type).toBe('UnknownOperationException');
  });

  test('a body that is not JSON is SerializationException, never a 500', async () => {
    for (const body of ['{"name": ', 'not json', '{"a":1}}', '\u0000']) {
      const res = await rawCall(cluster.api.endpoint, 'AWSStepFunctions.CreateActivity', body);
      expect(res.status, body).toBe(400);
      expect(res.json?.__type, body).toBe('SerializationException');
    }
  });

  test('a JSON body of the wrong kind or with members of the wrong type is SerializationException', async () => {
    const list = await rawCall(cluster.api.endpoint, 'AWSStepFunctions.ListActivities', '[]');
    expect(list.status).toBe(400);
    expect(list.json?.__type).toBe('SerializationException');
    const wrongType = await rawCall(cluster.api.endpoint, 'AWSStepFunctions.CreateActivity', '{"name": 5}');
    expect(wrongType.status).toBe(400);
    expect(wrongType.json?.__type).toBe('SerializationException');
    const wrongNumber = await rawCall(cluster.api.endpoint, 'AWSStepFunctions.ListActivities', '{"maxResults": "ten"}');
    expect(wrongNumber.json?.__type).toBe('SerializationException');
  });

  test('an empty body reads as {} and a missing required member is ValidationException', async () => {
    const empty = await rawCall(cluster.api.endpoint, 'AWSStepFunctions.ListActivities', '');
    expect(empty.status).toBe(200);
    expect(empty.json).toMatchObject({ activities: expect.any(Array) });
    const missing = await rawCall(cluster.api.endpoint, 'AWSStepFunctions.DescribeActivity', '{}');
    expect(missing.status).toBe(400);
    expect(missing.json?.__type).toBe('ValidationException');
    expect(String(missing.json?.message)).toMatch(/'activityArn'.*must not be null/);
  });

  test('model constraints answer ValidationException with the member named', async () => {
    const { sfn } = cluster;
    const longName = 'n'.repeat(81);
    const err = await expectAwsError(
      sfn.send(new CreateStateMachineCommand({ name: longName, definition: passMachine(), roleArn: ROLE_ARN })),
      'ValidationException',
    );
    expect(err.message).toMatch(/^1 validation error detected: Value '.*' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80$/);
    const tooMany = await expectAwsError(sfn.send(new ListStateMachinesCommand({ maxResults: 1001 })), 'ValidationException');
    expect(tooMany.message).toMatch(/at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000/);
    await expectAwsError(sfn.send(new ListStateMachinesCommand({ maxResults: -1 })), 'ValidationException');
    await expectAwsError(sfn.send(new StartExecutionCommand({ stateMachineArn: '' })), 'ValidationException');
  });

  test('successful answers carry the AWS JSON 1.0 content type', async () => {
    const res = await fetch(`${cluster.api.endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.CreateActivity' },
      body: JSON.stringify({ name: uniqueName('proto') }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-amz-json-1\.0/);
    const body = (await res.json()) as { activityArn: string; creationDate: number };
    expect(body.activityArn).toMatch(/^arn:aws:states:us-east-1:\d{12}:activity:proto-/);
    expect(typeof body.creationDate).toBe('number');
  });

  test('a body over 2 MiB is refused with 413 unread, and the endpoint keeps answering', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024) });
    const res = await rawCall(cluster.api.endpoint, 'AWSStepFunctions.CreateActivity', big);
    expect(res.status).toBe(413);
    expect(res.errorType).toBe('RequestEntityTooLarge');
    const after = await rawCall(cluster.api.endpoint, 'AWSStepFunctions.ListActivities', '{}');
    expect(after.status).toBe(200);
  });

  test('every answer, success or error, carries its own x-amzn-RequestId', async () => {
    const ok = await rawCall(cluster.api.endpoint, 'AWSStepFunctions.ListActivities', '{}');
    const bad = await rawCall(cluster.api.endpoint, 'AWSStepFunctions.NoSuchAction', '{}');
    expect(ok.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(bad.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok.requestId).not.toBe(bad.requestId);
  });

  test('a request line in absolute form (as some proxies send it) reaches the protocol too', async () => {
    const { endpoint } = cluster.api;
    const { hostname, port } = new URL(endpoint);
    const body = '{}';
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          `POST ${endpoint}/ HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/x-amz-json-1.0\r\n` +
            `X-Amz-Target: AWSStepFunctions.ListActivities\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        );
      });
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toContain('"activities"');
  });

  test('a null member reads as an absent one: optional ones are ignored, required ones are ValidationException', async () => {
    const { endpoint } = cluster.api;
    for (const target of ['ListActivities', 'ListStateMachines']) {
      const listed = await rawCall(endpoint, `AWSStepFunctions.${target}`, '{"nextToken":null,"maxResults":null}');
      expect(listed.status, target).toBe(200);
    }
    const missing = await rawCall(endpoint, 'AWSStepFunctions.DescribeActivity', '{"activityArn":null}');
    expect(missing.status).toBe(400);
    expect(missing.json?.__type).toBe('ValidationException');
    const created = await rawCall(endpoint, 'AWSStepFunctions.CreateActivity', JSON.stringify({ name: uniqueName('nulls'), tags: null, encryptionConfiguration: null }));
    expect(created.status).toBe(200);
    // A null list element is nothing at all, never a fault.
    const tagged = await rawCall(endpoint, 'AWSStepFunctions.CreateActivity', JSON.stringify({ name: uniqueName('nulls'), tags: [null, { key: 'k', value: 'v' }] }));
    expect(tagged.status).toBe(200);
  });

  test('members the model does not know are ignored however deep they nest, and a __proto__ member smuggles nothing in', async () => {
    const { endpoint } = cluster.api;
    const deep = `${'{"n":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const listed = await rawCall(endpoint, 'AWSStepFunctions.ListActivities', `{"a":${deep}}`);
    expect(listed.status).toBe(200);
    const refused = await rawCall(endpoint, 'AWSStepFunctions.DescribeActivity', `{"a":${deep}}`);
    expect(refused.json?.__type).toBe('ValidationException');
    // Validation sees no `tags` (an unknown member); the handler must not find them through the prototype either.
    const smuggled = await rawCall(endpoint, 'AWSStepFunctions.CreateActivity', JSON.stringify({ name: uniqueName('proto') }).replace('{', '{"__proto__":{"tags":[{"key":"smuggled","value":"in"}]},'));
    expect(smuggled.status).toBe(200);
    const tags = await rawCall(endpoint, 'AWSStepFunctions.ListTagsForResource', JSON.stringify({ resourceArn: smuggled.json?.activityArn }));
    expect(tags.json).toEqual({ tags: [] });
    const onlyProto = await rawCall(endpoint, 'AWSStepFunctions.CreateActivity', '{"__proto__":{"name":"hidden"}}');
    expect(onlyProto.json?.__type).toBe('ValidationException');
  });
});
