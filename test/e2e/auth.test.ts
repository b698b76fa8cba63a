import { CreateActivityCommand, CreateStateMachineCommand, ListActivitiesCommand, SFNClient, StartExecutionCommand, type SFNClientConfig } from '@aws-sdk/client-sfn';
import { SignatureV4 } from '@smithy/signature-v4';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NodeSha256 } from '../../apps/api/src/auth/verify-sigv4.js';
import { startApiProcess, startWorkerProcess, type AppProcess } from '../support/processes.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { ROLE_ARN, uniqueName, waitForEnd } from '../support/sfn.js';
import { expectAwsError, passMachine, rawCall } from './helpers.js';

const A = { accessKeyId: 'AKIAREDSTEPTESTA', secretAccessKey: 'secret-of-a', accountId: '111111111111' };
const T = { accessKeyId: 'ASIAREDSTEPTESTT', secretAccessKey: 'secret-of-t', accountId: '111111111111', sessionToken: 'session-of-t' };
const C = { accessKeyId: 'AKIAREDSTEPTESTC', secretAccessKey: 'secret-of-c', accountId: '111111111111' };

let redis: TestRedis;
let dir: string;
let file: string;
let api: AppProcess & { endpoint: string };
let open: AppProcess & { endpoint: string };
let worker: AppProcess;
const clients: SFNClient[] = [];

/** Writes the credentials file as Kubernetes and careful tools do: a new file renamed over the old. */
function writeCredentials(credentials: object[]): void {
  writeFileSync(`${file}.tmp`, JSON.stringify({ credentials }));
  renameSync(`${file}.tmp`, file);
}

function sdk(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, extra: Partial<SFNClientConfig> = {}, endpoint = api.endpoint): SFNClient {
  const c = new SFNClient({ endpoint, region: 'eu-west-1', credentials, maxAttempts: 1, ...extra });
  clients.push(c);
  return c;
}

/** A request signed by the SDK's signer, then sent with `body` (the signed one unless changed). */
async function signedFetch(signedBody: string, body = signedBody) {
  const url = new URL(api.endpoint);
  const signer = new SignatureV4({ credentials: A, region: 'eu-west-1', service: 'states', sha256: NodeSha256 });
  const req = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: {},
    headers: { host: url.host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.CreateActivity' },
    body: signedBody,
  });
  const res = await fetch(`${api.endpoint}/`, { method: 'POST', headers: req.headers, body });
  return { status: res.status, json: (await res.json()) as { __type: string; message?: string } };
}

/** Calls until the answer is what `ok` wants (the file is re-read within about a second), or gives up. */
async function eventually<T>(call: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await call();
    if (ok(v) || Date.now() > deadline) return v;
    await sleep(100);
  }
}

const outcome = (p: Promise<unknown>) => p.then(() => 'ok', (e: Error) => e.name);

beforeAll(async () => {
  redis = await startTestRedis();
  dir = mkdtempSync(join(tmpdir(), 'redstep-auth-'));
  file = join(dir, 'credentials.json');
  writeCredentials([A, T]);
  api = await startApiProcess(redis.url, { ...redis.env, SFN_CREDENTIALS_FILE: file, SFN_ACCOUNT_ID: '111111111111' });
  open = await startApiProcess(redis.url, { ...redis.env, SFN_THROTTLE_OTHER: '3/0.001', SFN_THROTTLE_START_EXECUTION: '1/0.001' });
  worker = await startWorkerProcess(redis.url, redis.env);
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await Promise.all([api?.kill(), open?.kill(), worker?.kill()]);
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('SigV4 verification (SFN_CREDENTIALS_FILE)', () => {
  test('requests the AWS SDK signs pass, with or without a session token, in any region', async () => {
    const sfn = sdk(A);
    const name = uniqueName('auth');
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name, definition: passMachine('signed'), roleArn: ROLE_ARN }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
    expect((await waitForEnd(sfn, executionArn!)).output).toBe('"signed"');
    await sdk(T, { region: 'ap-southeast-2' }).send(new CreateActivityCommand({ name: uniqueName('auth-t') }));
    expect(api.output()).toMatch(/SigV4 verification on/);
  });

  test('each bad signature gets AWS\'s error, status 400', async () => {
    const missing = await rawCall(api.endpoint, 'AWSStepFunctions.ListActivities', '{}');
    expect({ status: missing.status, errorType: missing.errorType, json: missing.json }).toEqual({
      status: 400,
      errorType: 'MissingAuthenticationTokenException',
      json: { __type: 'MissingAuthenticationTokenException', message: 'Request is missing Authentication Token' },
    });
    const malformed = await fetch(`${api.endpoint}/`, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSStepFunctions.ListActivities', authorization: 'AWS4-HMAC-SHA256 Credential=AKIAREDSTEPTESTA/20261202/us-east-1/states/aws4_request', 'x-amz-date': '20261202T000000Z' },
      body: '{}',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { __type: string }).__type).toBe('IncompleteSignatureException');

    const list = new ListActivitiesCommand({});
    const wrongSecret = await expectAwsError(sdk({ ...A, secretAccessKey: 'not-it' }).send(list), 'InvalidSignatureException');
    expect(wrongSecret.message).toMatch(/^The request signature we calculated does not match the signature you provided/);
    const unknown = await expectAwsError(sdk({ ...A, accessKeyId: 'AKIANOBODY' }).send(list), 'UnrecognizedClientException');
    expect(unknown.message).toBe('The security token included in the request is invalid.');
    const expired = await expectAwsError(sdk(A, { systemClockOffset: -20 * 60_000 }).send(list), 'InvalidSignatureException');
    expect(expired.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    await expectAwsError(sdk({ ...T, sessionToken: 'another' }).send(list), 'UnrecognizedClientException');
    await expectAwsError(sdk({ accessKeyId: T.accessKeyId, secretAccessKey: T.secretAccessKey }).send(list), 'UnrecognizedClientException');
    await expectAwsError(sdk({ ...A, sessionToken: 'unasked' }).send(list), 'UnrecognizedClientException');

    const name = JSON.stringify({ name: uniqueName('signed') });
    expect((await signedFetch(name)).status).toBe(200);
    const tampered = await signedFetch(name, JSON.stringify({ name: uniqueName('swapped') }));
    expect(tampered.status).toBe(400);
    expect(tampered.json.__type).toBe('InvalidSignatureException');
  });

  test('the credentials file is read again when it changes', async () => {
    const c = sdk(C);
    expect(await outcome(c.send(new ListActivitiesCommand({})))).toBe('UnrecognizedClientException');
    writeCredentials([T, C]);
    expect(await eventually(() => outcome(c.send(new ListActivitiesCommand({}))), (v) => v === 'ok')).toBe('ok');
    const a = sdk(A);
    expect(await eventually(() => outcome(a.send(new ListActivitiesCommand({}))), (v) => v !== 'ok')).toBe('UnrecognizedClientException');
    // A file that no longer parses leaves the last good credentials in force.
    writeFileSync(`${file}.tmp`, '{"credentials": [');
    renameSync(`${file}.tmp`, file);
    expect(await eventually(() => Promise.resolve(api.output()), (out) => out.includes('credentials file invalid'))).toMatch(/credentials file invalid/);
    expect(await outcome(c.send(new ListActivitiesCommand({})))).toBe('ok');
    writeCredentials([A, T, C]);
  });

  test('a credential of an account other than SFN_ACCOUNT_ID acts in its own account and signed region', async () => {
    writeCredentials([A, T, { ...C, accountId: '999999999999' }]);
    const c = sdk(C);
    // Until the file is read again, the key still acts in its old account: wait for the new one.
    const created = await eventually(
      () => c.send(new CreateActivityCommand({ name: 'of-another-account' })).catch((e: Error) => e),
      (v) => !(v instanceof Error) && v.activityArn?.includes(':999999999999:') === true,
    );
    expect(created).toMatchObject({ activityArn: 'arn:aws:states:eu-west-1:999999999999:activity:of-another-account' });
    writeCredentials([A, T, C]);
  });
});

describe('without SFN_CREDENTIALS_FILE', () => {
  test('any signature is accepted, as before, and the start logs a warning', async () => {
    await sdk({ accessKeyId: 'anything', secretAccessKey: 'at-all' }, {}, open.endpoint).send(new CreateActivityCommand({ name: uniqueName('open') }));
    expect(open.output()).toMatch(/"level":"warn".*SFN_CREDENTIALS_FILE is not set/);
  });
});

describe('throttling (SFN_THROTTLE_<GROUP>)', () => {
  test('a group past its bucket answers ThrottlingException "Rate exceeded" (400); other groups are untouched', async () => {
    // Up to 3 calls of the OTHER group pass (the previous test spent one); the bucket refills 1 per 1000 s.
    const results: string[] = [];
    for (let i = 0; i < 4; i++) results.push((await rawCall(open.endpoint, 'AWSStepFunctions.ListActivities', '{}')).json?.__type as string ?? 'ok');
    expect(results.filter((r) => r === 'ok').length).toBeLessThanOrEqual(2);
    const refused = await rawCall(open.endpoint, 'AWSStepFunctions.DescribeActivity', '{}');
    expect({ status: refused.status, errorType: refused.errorType, json: refused.json }).toEqual({
      status: 400,
      errorType: 'ThrottlingException',
      json: { __type: 'ThrottlingException', message: 'Rate exceeded' },
    });
    // StartExecution has its own bucket (size 1): its first call reaches the handler.
    const start = await rawCall(open.endpoint, 'AWSStepFunctions.StartExecution', '{}');
    expect(start.json?.__type).toBe('ValidationException');
    expect((await rawCall(open.endpoint, 'AWSStepFunctions.StartExecution', '{}')).json?.__type).toBe('ThrottlingException');
    // GetActivityTask and SendTask* are not throttled in this configuration.
    for (let i = 0; i < 5; i++) expect((await rawCall(open.endpoint, 'AWSStepFunctions.SendTaskHeartbeat', '{}')).json?.__type).toBe('ValidationException');
  });
});
