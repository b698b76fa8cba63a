import { DescribeExecutionCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { history, waitForEnd } from '../support/sfn.js';
import { createMachine, eventTypes, json, start, startIntegrationCluster, startPeer, type Received } from './integration-support.js';

/**
 * Local peers speaking enough of the AWS JSON protocols: SQS (AmazonSQS.*) and EventBridge
 * (AWSEvents.*) at AWS_ENDPOINT_URL, DynamoDB (DynamoDB_20120810.*) at AWS_ENDPOINT_URL_DYNAMODB.
 */
const QUEUE = 'http://sqs.local/123456789012/orders';
/** Its consumer answers the message's task token well before SendMessage itself returns. */
const EAGER_QUEUE = 'http://sqs.local/123456789012/eager';
const target = (r: Received) => String(r.headers['x-amz-target'] ?? '');
const awsError = (type: string, message: string) => ({ __type: type, message });

let cluster: Awaited<ReturnType<typeof startIntegrationCluster>>;
let aws: Awaited<ReturnType<typeof startPeer>>;
let ddb: Awaited<ReturnType<typeof startPeer>>;
const items = new Map<string, unknown>();

beforeAll(async () => {
  aws = await startPeer(async (req, res) => {
    // SNS speaks the AWS Query protocol: a form in, XML out.
    if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return sns(new URLSearchParams(req.body), res);
    const body = JSON.parse(req.body || '{}') as Record<string, unknown>;
    const headers = { 'x-amzn-requestid': 'req-1', 'content-type': 'application/x-amz-json-1.0' };
    switch (target(req)) {
      case 'AmazonSQS.SendMessage': {
        if (body.QueueUrl === EAGER_QUEUE) {
          const { token } = JSON.parse(String(body.MessageBody)) as { token: string };
          await cluster.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"eager":true}' }));
          // Long enough for the answer to reach a worker before the call returns.
          await sleep(500);
        } else if (body.QueueUrl !== QUEUE) {
          return json(res, 400, awsError('com.amazonaws.sqs#QueueDoesNotExist', 'The specified queue does not exist.'), headers);
        }
        const md5 = createHash('md5').update(String(body.MessageBody)).digest('hex');
        return json(res, 200, { MessageId: 'msg-1', MD5OfMessageBody: md5 }, headers);
      }
      case 'AWSEvents.PutEvents':
        return json(res, 200, { FailedEntryCount: 0, Entries: (body.Entries as unknown[]).map((_, i) => ({ EventId: `ev-${i}` })) }, headers);
      default:
        return json(res, 400, awsError('UnknownOperationException', target(req)), headers);
    }
  });
  ddb = await startPeer((req, res) => {
    const body = JSON.parse(req.body || '{}') as { TableName: string; Item?: Record<string, unknown>; Key?: Record<string, unknown>; ConditionExpression?: string };
    const headers = { 'x-amzn-requestid': 'ddb-1', 'content-type': 'application/x-amz-json-1.0' };
    switch (target(req)) {
      case 'DynamoDB_20120810.PutItem': {
        const key = `${body.TableName}/${JSON.stringify(body.Item!.id)}`;
        if (body.ConditionExpression === 'attribute_not_exists(id)' && items.has(key)) {
          return json(res, 400, awsError('com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', 'The conditional request failed'), headers);
        }
        items.set(key, body.Item);
        return json(res, 200, {}, headers);
      }
      case 'DynamoDB_20120810.GetItem': {
        const item = items.get(`${body.TableName}/${JSON.stringify(body.Key!.id)}`);
        return json(res, 200, item ? { Item: item } : {}, headers);
      }
      case 'DynamoDB_20120810.UpdateItem': {
        // Enough of SET for the test: `SET #f = :v` on an existing item, ALL_NEW returned.
        const update = body as unknown as { ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> };
        const key = `${body.TableName}/${JSON.stringify(body.Key!.id)}`;
        const item = { ...(items.get(key) as Record<string, unknown>), [update.ExpressionAttributeNames['#f']!]: update.ExpressionAttributeValues[':v'] };
        items.set(key, item);
        return json(res, 200, { Attributes: item }, headers);
      }
      case 'DynamoDB_20120810.DeleteItem': {
        items.delete(`${body.TableName}/${JSON.stringify(body.Key!.id)}`);
        return json(res, 200, {}, headers);
      }
      default:
        return json(res, 400, awsError('com.amazon.coral.service#UnknownOperationException', target(req)), headers);
    }
  });
  cluster = await startIntegrationCluster({
    AWS_ENDPOINT_URL: aws.url,
    AWS_ENDPOINT_URL_DYNAMODB: ddb.url,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'eu-west-1',
  });
});
afterAll(async () => {
  await cluster?.stop();
  await aws?.close();
  await ddb?.close();
});

/** SNS Publish as the AWS Query protocol answers it; an unknown topic is NotFound. */
function sns(form: URLSearchParams, res: ServerResponse): void {
  const ns = 'http://sns.amazonaws.com/doc/2010-03-31/';
  res.setHeader('x-amzn-requestid', 'sns-req');
  if (form.get('Action') !== 'Publish' || !form.get('TopicArn')?.endsWith(':orders')) {
    res.writeHead(404, { 'content-type': 'text/xml' });
    res.end(`<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>sns-req</RequestId></ErrorResponse>`);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/xml' });
  res.end(`<PublishResponse xmlns="${ns}"><PublishResult><MessageId>sns-1</MessageId></PublishResult><ResponseMetadata><RequestId>sns-req</RequestId></ResponseMetadata></PublishResponse>`);
}

async function run(states: Record<string, object>, input: unknown = {}) {
  const arn = await start(cluster.sfn, await createMachine(cluster.sfn, { StartAt: Object.keys(states)[0], States: states }), input);
  return { arn, done: await waitForEnd(cluster.sfn, arn, 20_000) };
}

describe('AWS SDK integrations against a local peer', () => {
  test('sqs:sendMessage: a JSON MessageBody is serialized; the result is the SendMessage response with SDK metadata', async () => {
    const before = aws.received.length;
    const { done } = await run({
      Send: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: QUEUE, 'MessageBody.$': '$.order' }, End: true },
    }, { order: { id: 7 } });
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({
      MessageId: 'msg-1',
      MD5OfMessageBody: createHash('md5').update('{"id":7}').digest('hex'),
      SdkHttpMetadata: expect.objectContaining({ HttpStatusCode: 200 }),
      SdkResponseMetadata: { RequestId: 'req-1' },
    });
    const sent = aws.received.slice(before).filter((r) => target(r) === 'AmazonSQS.SendMessage');
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!.body)).toEqual({ QueueUrl: QUEUE, MessageBody: '{"id":7}' });
    expect(sent[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/eu-west-1\/sqs\/aws4_request/);
  });

  test('sqs:sendMessage.waitForTaskToken: TaskSubmitted carries the SendMessage response, then SendTaskSuccess answers', async () => {
    const before = aws.received.length;
    const machine = await createMachine(cluster.sfn, {
      StartAt: 'Ask',
      States: {
        Ask: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { QueueUrl: QUEUE, MessageBody: { 'token.$': '$$.Task.Token' } }, End: true },
      },
    });
    const arn = await start(cluster.sfn, machine);
    let sent: Received | undefined;
    for (let i = 0; i < 200 && !sent; i++) {
      sent = aws.received.slice(before).find((r) => target(r) === 'AmazonSQS.SendMessage');
      if (!sent) await sleep(50);
    }
    const { token } = JSON.parse(JSON.parse(sent!.body).MessageBody) as { token: string };
    // The Task waits on its token; TaskSubmitted is recorded once the call has returned.
    let types: string[] = [];
    for (let i = 0; i < 100 && !types.includes('TaskSubmitted'); i++) {
      types = eventTypes(await history(cluster.sfn, arn));
      if (!types.includes('TaskSubmitted')) await sleep(50);
    }
    expect(types).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted']);
    expect((await cluster.sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');
    await cluster.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"done":1}' }));
    const done = await waitForEnd(cluster.sfn, arn);
    expect(done.status, done.cause).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ done: 1 });
    const events = await history(cluster.sfn, arn);
    expect(eventTypes(events)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    const submitted = events[4]!;
    expect(submitted.previousEventId).toBe(events[3]!.id);
    expect(submitted.taskSubmittedEventDetails).toMatchObject({ resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken', outputDetails: { truncated: false } });
    expect(JSON.parse(submitted.taskSubmittedEventDetails!.output!)).toEqual({
      MessageId: 'msg-1',
      MD5OfMessageBody: createHash('md5').update(JSON.stringify({ token })).digest('hex'),
      SdkHttpMetadata: expect.objectContaining({ HttpStatusCode: 200 }),
      SdkResponseMetadata: { RequestId: 'req-1' },
    });
  });

  test('a callback answered before its SendMessage returns still records TaskSubmitted before TaskSucceeded', async () => {
    const { arn, done } = await run({
      Ask: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { QueueUrl: EAGER_QUEUE, MessageBody: { 'token.$': '$$.Task.Token' } }, End: true },
    });
    expect(done.status, done.cause).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ eager: true });
    const events = await history(cluster.sfn, arn);
    expect(eventTypes(events)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
    expect(JSON.parse(events[4]!.taskSubmittedEventDetails!.output!)).toMatchObject({ MessageId: 'msg-1' });
  });

  test('a callback whose SendMessage fails records TaskSubmitFailed (no TaskSubmitted) and fails the Task at once', async () => {
    const { arn, done } = await run({
      Ask: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { QueueUrl: 'http://sqs.local/123456789012/nope', MessageBody: { 'token.$': '$$.Task.Token' } }, End: true },
    });
    expect(done).toMatchObject({ status: 'FAILED', error: 'SQS.QueueDoesNotExistException' });
    const events = await history(cluster.sfn, arn);
    expect(eventTypes(events)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitFailed', 'ExecutionFailed']);
    expect(events[4]!.taskSubmitFailedEventDetails).toEqual({ resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken', error: 'SQS.QueueDoesNotExistException', cause: expect.stringContaining('The specified queue does not exist.') });
  });

  test('a .sync StartExecution of a state machine that does not exist records TaskSubmitFailed; Retry retries it', async () => {
    const missing = 'arn:aws:states:us-east-1:123456789012:stateMachine:no-such-machine';
    const { arn, done } = await run({
      Run: {
        Type: 'Task',
        Resource: 'arn:aws:states:::states:startExecution.sync:2',
        Parameters: { StateMachineArn: missing, Input: {} },
        Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1, IntervalSeconds: 1 }],
        End: true,
      },
    });
    expect(done).toMatchObject({ status: 'FAILED', error: 'StepFunctions.StateMachineDoesNotExistException' });
    const events = await history(cluster.sfn, arn);
    expect(eventTypes(events)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitFailed', 'TaskScheduled', 'TaskStarted', 'TaskSubmitFailed', 'ExecutionFailed']);
    expect(events[4]!.taskSubmitFailedEventDetails).toMatchObject({ resourceType: 'states', resource: 'startExecution.sync:2', error: 'StepFunctions.StateMachineDoesNotExistException' });
  });

  test('dynamodb:putItem then getItem at the DynamoDB endpoint (AWS_ENDPOINT_URL_DYNAMODB)', async () => {
    const before = ddb.received.length;
    const { done } = await run({
      Put: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', Parameters: { TableName: 'Orders', Item: { id: { S: 'o-1' }, 'total.$': '$.total' } }, ResultPath: null, Next: 'Get' },
      Get: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:getItem', Parameters: { TableName: 'Orders', Key: { id: { S: 'o-1' } } }, ResultSelector: { 'Item.$': '$.Item' }, End: true },
    }, { total: { N: '42' } });
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ Item: { id: { S: 'o-1' }, total: { N: '42' } } });
    expect(ddb.received.slice(before).map(target)).toEqual(['DynamoDB_20120810.PutItem', 'DynamoDB_20120810.GetItem']);
    expect(JSON.parse(ddb.received[before]!.body)).toEqual({ TableName: 'Orders', Item: { id: { S: 'o-1' }, total: { N: '42' } } });
  });

  test('sns:publish: a JSON Message is serialized; the result is the Publish response with SDK metadata; an unknown topic is SNS.NotFoundException', async () => {
    const before = aws.received.length;
    const topic = 'arn:aws:sns:eu-west-1:123456789012:orders';
    const { done } = await run({
      Notify: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Parameters: { TopicArn: topic, 'Message.$': '$.order' }, End: true },
    }, { order: { id: 8 } });
    expect(done.status, done.cause).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({
      MessageId: 'sns-1',
      SdkHttpMetadata: expect.objectContaining({ HttpStatusCode: 200 }),
      SdkResponseMetadata: { RequestId: 'sns-req' },
    });
    const sent = aws.received.slice(before).map((r) => new URLSearchParams(r.body)).filter((f) => f.get('Action') === 'Publish');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.get('TopicArn')).toBe(topic);
    expect(sent[0]!.get('Message')).toBe('{"id":8}');

    const missing = await run({
      Notify: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sns:publish',
        Parameters: { TopicArn: 'arn:aws:sns:eu-west-1:123456789012:nope', Message: 'x' },
        Catch: [{ ErrorEquals: ['SNS.NotFoundException'], Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Pass', End: true },
    });
    expect(missing.done.status, missing.done.cause).toBe('SUCCEEDED');
  });

  test('dynamodb:updateItem returns the new attributes; dynamodb:deleteItem removes the item', async () => {
    const before = ddb.received.length;
    const { done } = await run({
      Put: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', Parameters: { TableName: 'Carts', Item: { id: { S: 'c-1' }, state: { S: 'open' } } }, ResultPath: null, Next: 'Update' },
      Update: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:updateItem',
        Parameters: { TableName: 'Carts', Key: { id: { S: 'c-1' } }, UpdateExpression: 'SET #f = :v', ExpressionAttributeNames: { '#f': 'state' }, ExpressionAttributeValues: { ':v': { S: 'paid' } }, ReturnValues: 'ALL_NEW' },
        ResultSelector: { 'Attributes.$': '$.Attributes' },
        ResultPath: '$.updated',
        Next: 'Delete',
      },
      Delete: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:deleteItem', Parameters: { TableName: 'Carts', Key: { id: { S: 'c-1' } } }, ResultPath: null, Next: 'Get' },
      Get: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:getItem', Parameters: { TableName: 'Carts', Key: { id: { S: 'c-1' } } }, ResultPath: '$.after', End: true },
    });
    expect(done.status, done.cause).toBe('SUCCEEDED');
    const out = JSON.parse(done.output!) as { updated: unknown; after: Record<string, unknown> };
    expect(out.updated).toEqual({ Attributes: { id: { S: 'c-1' }, state: { S: 'paid' } } });
    // GetItem after the delete: the response has no Item.
    expect(out.after).not.toHaveProperty('Item');
    expect(out.after.SdkResponseMetadata).toEqual({ RequestId: 'ddb-1' });
    expect(ddb.received.slice(before).map(target)).toEqual(['DynamoDB_20120810.PutItem', 'DynamoDB_20120810.UpdateItem', 'DynamoDB_20120810.DeleteItem', 'DynamoDB_20120810.GetItem']);
    expect(JSON.parse(ddb.received[before + 2]!.body)).toEqual({ TableName: 'Carts', Key: { id: { S: 'c-1' } } });
    expect(items.has('Carts/{"S":"c-1"}')).toBe(false);
  });

  test('events:putEvents serializes Detail; aws-sdk:dynamodb:getItem answers the SDK response without $metadata', async () => {
    const before = aws.received.length;
    const { done } = await run({
      Emit: {
        Type: 'Task',
        Resource: 'arn:aws:states:::events:putEvents',
        Parameters: { Entries: [{ Source: 'shop', DetailType: 'OrderPlaced', Detail: { id: 'o-1' } }] },
        ResultSelector: { 'FailedEntryCount.$': '$.FailedEntryCount', 'Entries.$': '$.Entries' },
        ResultPath: '$.emitted',
        Next: 'Read',
      },
      Read: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:dynamodb:getItem', Parameters: { TableName: 'Orders', Key: { id: { S: 'o-1' } } }, ResultPath: '$.read', End: true },
    });
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ emitted: { FailedEntryCount: 0, Entries: [{ EventId: 'ev-0' }] }, read: { Item: { id: { S: 'o-1' }, total: { N: '42' } } } });
    const put = aws.received.slice(before).find((r) => target(r) === 'AWSEvents.PutEvents')!;
    expect(JSON.parse(put.body)).toEqual({ Entries: [{ Source: 'shop', DetailType: 'OrderPlaced', Detail: '{"id":"o-1"}' }] });
  });

  test('service errors are <Service>.<Name>Exception and reach Catch', async () => {
    const { arn, done } = await run({
      Send: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage',
        Parameters: { QueueUrl: 'http://sqs.local/123456789012/nope', MessageBody: 'x' },
        Catch: [{ ErrorEquals: ['SQS.QueueDoesNotExistException'], ResultPath: '$.sqsError', Next: 'Insert' }],
        End: true,
      },
      Insert: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:dynamodb:putItem',
        Parameters: { TableName: 'Orders', Item: { id: { S: 'o-1' } }, ConditionExpression: 'attribute_not_exists(id)' },
        Catch: [{ ErrorEquals: ['DynamoDb.ConditionalCheckFailedException'], ResultPath: '$.ddbError', Next: 'Done' }],
        End: true,
      },
      Done: { Type: 'Pass', End: true },
    });
    expect(done.status).toBe('SUCCEEDED');
    const out = JSON.parse(done.output!);
    expect(out.sqsError).toEqual({ Error: 'SQS.QueueDoesNotExistException', Cause: expect.stringContaining('The specified queue does not exist.') });
    expect(out.ddbError).toEqual({ Error: 'DynamoDb.ConditionalCheckFailedException', Cause: expect.stringContaining('The conditional request failed') });
    const failures = (await history(cluster.sfn, arn)).filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails);
    expect(failures).toMatchObject([
      { resourceType: 'sqs', resource: 'sendMessage', error: 'SQS.QueueDoesNotExistException' },
      { resourceType: 'aws-sdk:dynamodb', resource: 'putItem', error: 'DynamoDb.ConditionalCheckFailedException' },
    ]);
  });

  test('aws-sdk:<service> whose client package is not installed fails at once, naming the package', async () => {
    const { done } = await run({ List: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:secretsmanager:listSecrets', Parameters: {}, End: true } });
    expect(done).toMatchObject({ status: 'FAILED', error: 'SecretsManager.SdkClientException' });
    expect(done.cause).toContain('@aws-sdk/client-secrets-manager');
  });
});

describe('AWS SDK integrations without endpoint or credentials', () => {
  let bare: Awaited<ReturnType<typeof startIntegrationCluster>>;
  beforeAll(async () => {
    const unset = ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI'];
    bare = await startIntegrationCluster(Object.fromEntries(unset.map((k) => [k, ''])));
  });
  afterAll(async () => bare?.stop());

  test('optimized and aws-sdk Tasks fail fast with <Service>.SdkClientException, calling nothing', async () => {
    const before = aws.received.length + ddb.received.length;
    const machine = await createMachine(bare.sfn, {
      StartAt: 'Send',
      States: {
        Send: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: QUEUE, MessageBody: 'x' }, Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.first', Next: 'Get' }], End: true },
        Get: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:dynamodb:getItem', Parameters: { TableName: 'Orders', Key: { id: { S: 'o-1' } } }, End: true },
      },
    });
    const arn = await start(bare.sfn, machine);
    const done = await waitForEnd(bare.sfn, arn, 10_000);
    expect(done).toMatchObject({ status: 'FAILED', error: 'DynamoDb.SdkClientException' });
    expect(done.cause).toContain('no endpoint configured');
    const first = (await history(bare.sfn, arn)).find((e) => e.type === 'TaskFailed')!.taskFailedEventDetails;
    expect(first).toMatchObject({ error: 'SQS.SdkClientException' });
    expect(aws.received.length + ddb.received.length).toBe(before);
  });
});
