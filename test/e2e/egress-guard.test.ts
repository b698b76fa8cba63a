/**
 * The egress guard through real processes: HTTP Tasks, Lambda and AWS SDK calls never reach the
 * cloud metadata addresses, whether named literally, as IPv4-mapped IPv6, or through a host name
 * that resolves to one; an allowed local server keeps answering. Names resolve through
 * SFN_HTTP_HOSTS (the test's own table), never outside DNS.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { waitForEnd } from '../support/sfn.js';
import { createMachine, json, start, startIntegrationCluster, startPeer } from './integration-support.js';

let cluster: Awaited<ReturnType<typeof startIntegrationCluster>>;
let peer: Awaited<ReturnType<typeof startPeer>>;
let port: string;

const METADATA_RULE = "denied by the rule '169.254.169.254/32' of SFN_HTTP_DENY";

beforeAll(async () => {
  peer = await startPeer((_req, res) => json(res, 200, { ok: true }));
  port = new URL(peer.url).port;
  cluster = await startIntegrationCluster({
    SFN_HTTP_HOSTS: 'peer.test=127.0.0.1,meta.test=169.254.169.254,meta6.test=fd00:ec2::254,mapped.test=::ffff:169.254.169.254,elsewhere.test=127.0.0.2',
    SFN_HTTP_ALLOW: '127.0.0.1/32',
    SFN_HTTP_TIMEOUT_SECONDS: '5',
    LAMBDA_ENDPOINT: 'http://meta.test',
    AWS_ENDPOINT_URL_SQS: 'http://169.254.169.254',
    AWS_ENDPOINT_URL: 'http://mapped.test',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
  });
});
afterAll(async () => {
  await cluster?.stop();
  await peer?.close();
});

const task = (Resource: string, Parameters: object) => ({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource, Parameters, End: true } } });

async function run(definition: object) {
  const arn = await start(cluster.sfn, await createMachine(cluster.sfn, definition));
  return waitForEnd(cluster.sfn, arn, 30_000);
}

const http = (url: string) => run(task('arn:aws:states:::http:invoke', { ApiEndpoint: url, Method: 'GET' }));

describe('egress guard', () => {
  test('HTTP Tasks to the metadata addresses fail with States.Http.Socket naming the rule: by name, literal, mapped, IPv6', async () => {
    const urls = ['http://meta.test/latest/meta-data/', 'http://169.254.169.254/latest/meta-data/', 'http://[::ffff:169.254.169.254]/', 'http://mapped.test/', 'http://meta6.test/', 'http://[fd00:ec2::254]/'];
    const done = await Promise.all(urls.map(http));
    done.forEach((d, i) => {
      expect(d.status, urls[i]).toBe('FAILED');
      expect(d.error, urls[i]).toBe('States.Http.Socket');
      expect(d.cause, urls[i]).toMatch(/denied by the rule '(169\.254\.169\.254\/32|fd00:ec2::254\/128)' of SFN_HTTP_DENY/);
    });
    expect(done[0]!.cause).toContain(`meta.test (169.254.169.254) ${METADATA_RULE}`);
  });

  test('an allowed local server keeps answering, by name and by address', async () => {
    for (const url of [`http://peer.test:${port}/x`, `${peer.url}/y`]) {
      const d = await http(url);
      expect(d.status, url).toBe('SUCCEEDED');
      expect(JSON.parse(d.output!)).toMatchObject({ StatusCode: 200, ResponseBody: { ok: true } });
    }
    expect(peer.received.map((r) => r.url)).toEqual(['/x', '/y']);
  });

  test('an address outside SFN_HTTP_ALLOW is refused', async () => {
    const d = await http(`http://elsewhere.test:${port}/`);
    expect(d.error).toBe('States.Http.Socket');
    expect(d.cause).toContain('elsewhere.test (127.0.0.2) denied: it matches no rule of SFN_HTTP_ALLOW.');
  });

  test('Lambda and AWS SDK calls to a metadata address fail with the service’s SdkClientException naming the rule', async () => {
    const [lambda, sqs, sdk, sns] = await Promise.all([
      run(task('arn:aws:states:::lambda:invoke', { FunctionName: 'f', Payload: {} })),
      run(task('arn:aws:states:::sqs:sendMessage', { QueueUrl: 'http://169.254.169.254/123456789012/q', MessageBody: 'm' })),
      run(task('arn:aws:states:::aws-sdk:sqs:sendMessage', { QueueUrl: 'http://169.254.169.254/123456789012/q', MessageBody: 'm' })),
      run(task('arn:aws:states:::sns:publish', { TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: 'm' })),
    ]);
    expect([lambda.error, sqs.error, sdk.error, sns.error]).toEqual(['Lambda.SdkClientException', 'SQS.SdkClientException', 'Sqs.SdkClientException', 'SNS.SdkClientException']);
    for (const d of [lambda, sqs, sdk, sns]) expect(d.cause).toContain(METADATA_RULE);
    expect(lambda.cause).toContain('meta.test (169.254.169.254)');
  });
});
