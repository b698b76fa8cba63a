import { describe, expect, test } from 'vitest';
import { clientPackage, commandName, errorPrefix, fromSdkOutput, OPTIMIZED_ACTIONS, optimizedOutput, pascalServiceId, sdkFailure, toSdkInput } from './aws.js';

describe('AWS SDK integrations: names', () => {
  test('error prefixes: optimized integrations as AWS names them, aws-sdk:* as the service id in PascalCase', () => {
    expect(errorPrefix('sqs')).toBe('SQS');
    expect(errorPrefix('dynamodb')).toBe('DynamoDB');
    expect(errorPrefix('events')).toBe('EventBridge');
    expect(errorPrefix('aws-sdk:dynamodb')).toBe('DynamoDb');
    expect(errorPrefix('aws-sdk:sqs')).toBe('Sqs');
    expect(errorPrefix('aws-sdk:acmpca')).toBe('AcmPca');
    expect(errorPrefix('aws-sdk:rekognition', 'Rekognition')).toBe('Rekognition');
    expect(errorPrefix('aws-sdk:codebuild', 'CodeBuild')).toBe('CodeBuild');
    expect(pascalServiceId('ACM PCA')).toBe('AcmPca');
    expect(pascalServiceId('DynamoDB')).toBe('DynamoDb');
    expect(pascalServiceId('Secrets Manager')).toBe('SecretsManager');
  });

  test('client packages and command names', () => {
    expect(clientPackage('aws-sdk:s3')).toBe('@aws-sdk/client-s3');
    expect(clientPackage('aws-sdk:secretsmanager')).toBe('@aws-sdk/client-secrets-manager');
    expect(clientPackage('events')).toBe('@aws-sdk/client-eventbridge');
    expect(commandName('getItem')).toBe('GetItemCommand');
  });

  test('service errors: <Prefix>.<Name>Exception with status and request id; other failures: SdkClientException', () => {
    const serviceError = Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist', $fault: 'client', $metadata: { httpStatusCode: 400, requestId: 'r1' } });
    expect(sdkFailure('SQS', serviceError)).toEqual({
      kind: 'failed',
      error: 'SQS.QueueDoesNotExistException',
      cause: 'The specified queue does not exist. (Service: SQS, Status Code: 400, Request ID: r1)',
    });
    const ccf = Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException', $fault: 'client', $metadata: {} });
    expect(sdkFailure('DynamoDb', ccf)).toMatchObject({ error: 'DynamoDb.ConditionalCheckFailedException' });
    expect(sdkFailure('SNS', Object.assign(new Error('fetch failed'), { cause: new Error('connect ECONNREFUSED') }))).toEqual({
      kind: 'failed',
      error: 'SNS.SdkClientException',
      cause: 'Unable to execute HTTP request: connect ECONNREFUSED',
    });
  });
});

describe('AWS SDK integrations: request and result mapping', () => {
  test('optimized requests serialize JSON message bodies and event details', () => {
    expect(OPTIMIZED_ACTIONS.sqs!.sendMessage!({ QueueUrl: 'q', MessageBody: { a: 1 } })).toEqual({ QueueUrl: 'q', MessageBody: '{"a":1}' });
    expect(OPTIMIZED_ACTIONS.sqs!.sendMessage!({ QueueUrl: 'q', MessageBody: 'text' })).toEqual({ QueueUrl: 'q', MessageBody: 'text' });
    expect(OPTIMIZED_ACTIONS.sns!.publish!({ TopicArn: 't', Message: [1] })).toEqual({ TopicArn: 't', Message: '[1]' });
    expect(OPTIMIZED_ACTIONS.events!.putEvents!({ Entries: [{ Source: 's', Detail: { k: 'v' } }, { Source: 't' }] })).toEqual({
      Entries: [{ Source: 's', Detail: '{"k":"v"}' }, { Source: 't' }],
    });
  });

  test('DynamoDB binary attribute values travel as base64 text', () => {
    const input = toSdkInput('dynamodb', { Key: { id: { S: 'x' }, blob: { B: 'aGk=' }, set: { BS: ['aGk='] }, m: { M: { b: { B: 'aGk=' } } } } });
    const key = input.Key as Record<string, Record<string, unknown>>;
    expect(Buffer.from(key.blob!.B as Uint8Array).toString()).toBe('hi');
    expect(Buffer.from((key.set!.BS as Uint8Array[])[0]!).toString()).toBe('hi');
    expect(Buffer.from(((key.m!.M as Record<string, Record<string, unknown>>).b!.B as Uint8Array)).toString()).toBe('hi');
    expect(toSdkInput('sqs', { B: 'aGk=' })).toEqual({ B: 'aGk=' });
    expect(fromSdkOutput({ $metadata: { httpStatusCode: 200 }, Item: { b: { B: new Uint8Array([104, 105]) } }, When: new Date(0), Gone: undefined })).toEqual({
      Item: { b: { B: 'aGk=' } },
      When: '1970-01-01T00:00:00.000Z',
    });
  });

  test('optimized results carry the SDK metadata Step Functions adds', () => {
    expect(optimizedOutput({ $metadata: { httpStatusCode: 200, requestId: 'r2' }, MessageId: 'm' }, { 'x-amzn-requestid': 'r2' })).toEqual({
      MessageId: 'm',
      SdkHttpMetadata: { AllHttpHeaders: { 'x-amzn-requestid': ['r2'] }, HttpHeaders: { 'x-amzn-requestid': 'r2' }, HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: 'r2' },
    });
  });
});
