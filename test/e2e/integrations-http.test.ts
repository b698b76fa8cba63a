import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { history, waitForEnd } from '../support/sfn.js';
import { createMachine, json, start, startIntegrationCluster, startPeer } from './integration-support.js';

const CONNECTION = 'arn:aws:events:us-east-1:123456789012:connection/peer/1';
const FN = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

let cluster: Awaited<ReturnType<typeof startIntegrationCluster>>;
let http: Awaited<ReturnType<typeof startPeer>>;
let lambda: Awaited<ReturnType<typeof startPeer>>;

beforeAll(async () => {
  http = await startPeer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/slow') await sleep(3_000);
    if (url.pathname === '/missing') return json(res, 404, { message: 'no such thing' });
    json(res, 200, { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), body: req.body, auth: req.headers.authorization ?? null, custom: req.headers['x-custom'] ?? null, type: req.headers['content-type'] ?? null }, { 'x-peer': 'yes' });
  });
  // A Lambda-compatible Invoke API: echo, a function error, an unknown function, a callback.
  lambda = await startPeer(async (req, res) => {
    const name = decodeURIComponent(/\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url)?.[1] ?? '');
    const fn = name.split(':').pop();
    if (fn === 'boom') return json(res, 200, { errorType: 'ValueError', errorMessage: 'bad input' }, { 'x-amz-function-error': 'Unhandled' });
    if (fn === 'gone') return json(res, 404, { Type: 'User', message: `Function not found: ${name}` }, { 'x-amzn-errortype': 'ResourceNotFoundException' });
    if (fn === 'approver') {
      const { token } = JSON.parse(req.body) as { token: string };
      setTimeout(() => void cluster.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approvedBy: 'approver' }) })), 200);
      return json(res, 202, null);
    }
    json(res, 200, { echo: JSON.parse(req.body || 'null'), qualifier: new URL(req.url, 'http://x').searchParams.get('Qualifier') }, { 'x-amz-executed-version': '$LATEST' });
  });
  const dir = mkdtempSync(join(tmpdir(), 'redstep-http-'));
  const connections = join(dir, 'connections.json');
  writeFileSync(connections, JSON.stringify({ [CONNECTION]: { Basic: { Username: 'u', Password: 'p' }, InvocationHttpParameters: { HeaderParameters: [{ Key: 'x-custom', Value: 'from-connection' }] } } }));
  cluster = await startIntegrationCluster({ SFN_HTTP_CONNECTIONS: connections, SFN_HTTP_TIMEOUT_SECONDS: '1', LAMBDA_ENDPOINT: lambda.url });
});
afterAll(async () => {
  await cluster?.stop();
  await http?.close();
  await lambda?.close();
});

const httpTask = (parameters: object, extra: object = {}) => ({
  StartAt: 'Call',
  States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::http:invoke', Parameters: { Authentication: { ConnectionArn: CONNECTION }, ...parameters }, End: true, ...extra } },
});

async function run(definition: object, input: unknown = {}) {
  const arn = await start(cluster.sfn, await createMachine(cluster.sfn, definition), input);
  return { arn, done: await waitForEnd(cluster.sfn, arn, 20_000) };
}

describe('HTTP Task (arn:aws:states:::http:invoke)', () => {
  test('GET with query parameters and the connection’s authentication: headers, parsed body, status', async () => {
    const { done } = await run(httpTask({ 'ApiEndpoint.$': '$.url', Method: 'GET', QueryParameters: { q: 'a b' } }), { url: `${http.url}/things` });
    expect(done.status).toBe('SUCCEEDED');
    const out = JSON.parse(done.output!);
    expect(out).toMatchObject({ StatusCode: 200, StatusText: 'OK', Headers: { 'x-peer': ['yes'], 'content-type': ['application/json'] } });
    expect(out.ResponseBody).toMatchObject({ method: 'GET', path: '/things', query: { q: 'a b' }, custom: 'from-connection' });
    expect(out.ResponseBody.auth).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  test('POST a JSON body, and a URL-encoded one with an array format', async () => {
    const posted = await run(httpTask({ ApiEndpoint: `${http.url}/p`, Method: 'POST', Headers: { 'X-Custom': 'mine' }, RequestBody: { a: 1 } }));
    expect(JSON.parse(posted.done.output!).ResponseBody).toMatchObject({ body: '{"a":1}', type: 'application/json', custom: 'mine' });
    const encoded = await run(
      httpTask({ ApiEndpoint: `${http.url}/f`, Method: 'PUT', RequestBody: { k: ['x', 'y'], n: 2 }, Transform: { RequestBodyEncoding: 'URL_ENCODED', RequestEncodingOptions: { ArrayFormat: 'BRACKETS' } } }),
    );
    expect(JSON.parse(encoded.done.output!).ResponseBody).toMatchObject({ method: 'PUT', body: 'k%5B%5D=x&k%5B%5D=y&n=2', type: 'application/x-www-form-urlencoded' });
  });

  test('a non-2xx answer fails with States.Http.StatusCode.<code>; the cause is the response', async () => {
    const { done } = await run(httpTask({ ApiEndpoint: `${http.url}/missing`, Method: 'GET' }));
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('States.Http.StatusCode.404');
    expect(JSON.parse(done.cause!)).toMatchObject({ StatusCode: 404, StatusText: 'Not Found', ResponseBody: { message: 'no such thing' } });
  });

  test('Catch on a status error, time-out and refused connection as States.Http.Socket', async () => {
    const def = {
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::http:invoke',
          Parameters: { 'ApiEndpoint.$': '$.url', Method: 'GET', Authentication: { ConnectionArn: CONNECTION } },
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    };
    const missing = await run(def, { url: `${http.url}/missing` });
    expect(JSON.parse(missing.done.output!).Error).toBe('States.Http.StatusCode.404');
    const started = Date.now();
    const slow = await run(def, { url: `${http.url}/slow` });
    expect(JSON.parse(slow.done.output!)).toMatchObject({ Error: 'States.Http.Socket' });
    expect(Date.now() - started).toBeLessThan(2_900);
    const refused = await run(def, { url: 'http://127.0.0.1:1/' });
    expect(JSON.parse(refused.done.output!).Error).toBe('States.Http.Socket');
    const types = (await history(cluster.sfn, refused.arn)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['TaskScheduled', 'TaskStarted', 'TaskFailed']));
  });
});

describe('Lambda (LAMBDA_ENDPOINT)', () => {
  test('lambda:invoke gives the Invoke response shape; Qualifier goes along', async () => {
    const { done } = await run({
      StartAt: 'L',
      States: { L: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'echo', Qualifier: 'live', 'Payload.$': '$' }, End: true } },
    }, { x: 1 });
    expect(done.status).toBe('SUCCEEDED');
    const out = JSON.parse(done.output!);
    expect(out).toMatchObject({ StatusCode: 200, ExecutedVersion: '$LATEST', Payload: { echo: { x: 1 }, qualifier: 'live' } });
    expect(out.SdkHttpMetadata.HttpStatusCode).toBe(200);
  });

  test('a plain function ARN: the input is the payload and the answer the result; LambdaFunction* events', async () => {
    const { arn, done } = await run({ StartAt: 'L', States: { L: { Type: 'Task', Resource: FN('echo'), End: true } } }, { y: 2 });
    expect(JSON.parse(done.output!)).toEqual({ echo: { y: 2 }, qualifier: null });
    const types = (await history(cluster.sfn, arn)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded']));
  });

  test('a function error is named by its errorType; a service error as Lambda.<Exception>', async () => {
    const boom = await run({ StartAt: 'L', States: { L: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'boom' }, End: true } } });
    expect(boom.done).toMatchObject({ status: 'FAILED', error: 'ValueError' });
    expect(JSON.parse(boom.done.cause!)).toEqual({ errorType: 'ValueError', errorMessage: 'bad input' });
    const gone = await run({ StartAt: 'L', States: { L: { Type: 'Task', Resource: FN('gone'), End: true } } });
    expect(gone.done).toMatchObject({ status: 'FAILED', error: 'Lambda.ResourceNotFoundException' });
    const types = (await history(cluster.sfn, gone.arn)).map((e) => e.type);
    expect(types).toContain('LambdaFunctionFailed');
  });

  test('.waitForTaskToken: the function gets $$.Task.Token and SendTaskSuccess completes the Task', async () => {
    const { done } = await run({
      StartAt: 'L',
      States: {
        L: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'approver', Payload: { 'token.$': '$$.Task.Token' } },
          HeartbeatSeconds: 30,
          TimeoutSeconds: 60,
          End: true,
        },
      },
    });
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ approvedBy: 'approver' });
  });

  test('.waitForTaskToken with no answer times out by HeartbeatSeconds', async () => {
    const { done } = await run({
      StartAt: 'L',
      States: { L: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { FunctionName: 'echo', Payload: {} }, HeartbeatSeconds: 1, End: true } },
    });
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
  });
});
