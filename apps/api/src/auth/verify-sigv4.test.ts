import { createHash } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, test } from 'vitest';
import { isAwsApiError } from '@redstep/core';
import type { Credential } from './credentials-file.js';
import { NodeSha256, verifySigV4, type SignedRequest } from './verify-sigv4.js';

const KEY: Credential = { accessKeyId: 'AKIAEXAMPLEA', secretAccessKey: 'secret-a', accountId: '111111111111' };
const TOKEN_KEY: Credential = { accessKeyId: 'ASIAEXAMPLEB', secretAccessKey: 'secret-b', accountId: '222222222222', sessionToken: 'session-b' };
const keys = new Map([KEY, TOKEN_KEY].map((c) => [c.accessKeyId, c]));
const lookup = (id: string) => keys.get(id);
const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const BODY = '{"name":"a"}';

/** A request signed as the AWS SDK signs it (the e2e tests sign through the SDK itself). */
async function signed(opts: { secret?: string; key?: Credential; region?: string; service?: string; at?: number; token?: string; body?: string } = {}): Promise<SignedRequest> {
  const key = opts.key ?? KEY;
  const signer = new SignatureV4({
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: opts.secret ?? key.secretAccessKey, sessionToken: opts.token ?? key.sessionToken },
    region: opts.region ?? 'eu-west-3',
    service: opts.service ?? 'states',
    sha256: NodeSha256,
  });
  const body = opts.body ?? BODY;
  const req = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 8083,
      path: '/',
      query: {},
      headers: { host: '127.0.0.1:8083', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.CreateActivity' },
      body,
    },
    { signingDate: new Date(opts.at ?? NOW) },
  );
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: 'POST', url: '/', headers, body: Buffer.from(BODY) };
}

async function refused(req: SignedRequest, now = NOW): Promise<{ code: string; status: number; message: string }> {
  try {
    await verifySigV4(req, lookup, now);
  } catch (e) {
    if (isAwsApiError(e)) return { code: e.code, status: e.httpStatus, message: e.message };
    throw e;
  }
  throw new Error('the request was accepted');
}

describe('verifySigV4', () => {
  test('accepts what the SDK signs, in any region, and names the account and region', async () => {
    await expect(verifySigV4(await signed(), lookup, NOW)).resolves.toEqual({ accessKeyId: KEY.accessKeyId, accountId: '111111111111', region: 'eu-west-3' });
    await expect(verifySigV4(await signed({ region: 'us-gov-west-1' }), lookup, NOW)).resolves.toMatchObject({ region: 'us-gov-west-1' });
    await expect(verifySigV4(await signed({ key: TOKEN_KEY }), lookup, NOW)).resolves.toMatchObject({ accountId: '222222222222' });
  });

  test('accepts signing times within 15 minutes either way, refuses them beyond', async () => {
    const req = await signed();
    await expect(verifySigV4(req, lookup, NOW + 15 * 60_000)).resolves.toBeDefined();
    await expect(verifySigV4(req, lookup, NOW - 15 * 60_000)).resolves.toBeDefined();
    expect(await refused(req, NOW + 15 * 60_000 + 1000)).toEqual({
      code: 'InvalidSignatureException',
      status: 400,
      message: 'Signature expired: 20261202T120000Z is now earlier than 20261202T120001Z (20261202T121501Z - 15 min.)',
    });
    expect((await refused(req, NOW - 16 * 60_000)).message).toBe('Signature not yet current: 20261202T120000Z is still later than 20261202T115900Z (20261202T114400Z + 15 min.)');
  });

  test('no Authorization header, or not an AWS4 one, is MissingAuthenticationTokenException', async () => {
    const req = await signed();
    delete req.headers.authorization;
    expect(await refused(req)).toEqual({ code: 'MissingAuthenticationTokenException', status: 400, message: 'Request is missing Authentication Token' });
    req.headers.authorization = 'Basic dXNlcjpwYXNz';
    expect((await refused(req)).code).toBe('MissingAuthenticationTokenException');
  });

  test('a header missing parts, or with parts of the wrong form, is IncompleteSignatureException', async () => {
    const req = await signed();
    req.headers.authorization = 'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEA/20261202/us-east-1/states/aws4_request';
    expect(await refused(req)).toEqual({
      code: 'IncompleteSignatureException',
      status: 400,
      message: `Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=${req.headers.authorization}`,
    });
    req.headers.authorization = 'AWS4-HMAC-SHA256 Credential, SignedHeaders=host, Signature=ab';
    expect((await refused(req)).message).toMatch(/^'Credential' not a valid key=value pair \(missing equal-sign\) in Authorization header/);
    const noDate = await signed();
    delete noDate.headers['x-amz-date'];
    expect((await refused(noDate)).message).toMatch(/requires existence of either a 'X-Amz-Date' or a 'Date' header/);
    const badDate = await signed();
    badDate.headers['x-amz-date'] = '2026-12-02T12:00:00Z';
    expect(await refused(badDate)).toMatchObject({ code: 'IncompleteSignatureException', message: "Date must be in ISO-8601 'basic format'. Got '2026-12-02T12:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601" });
    const shortScope = await signed();
    shortScope.headers.authorization = String(shortScope.headers.authorization).replace('/states/aws4_request', '/states');
    expect((await refused(shortScope)).message).toMatch(/^Credential must have exactly 5 slash-delimited elements/);
    const algorithm = await signed();
    algorithm.headers.authorization = String(algorithm.headers.authorization).replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512');
    expect((await refused(algorithm)).message).toBe("Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). ");
  });

  test('a scope for another service or a wrong date is InvalidSignatureException', async () => {
    expect(await refused(await signed({ service: 'lambda' }))).toMatchObject({ code: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'states'." });
    const otherDay = await signed();
    otherDay.headers.authorization = String(otherDay.headers.authorization).replace('/20261202/', '/20261201/');
    expect((await refused(otherDay)).message).toMatch(/^Date in Credential scope does not match YYYYMMDD/);
  });

  test('an unknown key is UnrecognizedClientException', async () => {
    expect(await refused(await signed({ key: { ...KEY, accessKeyId: 'AKIAUNKNOWN' } }))).toEqual({
      code: 'UnrecognizedClientException',
      status: 400,
      message: 'The security token included in the request is invalid.',
    });
  });

  test('a wrong secret, a tampered body, a changed signed header or a lying payload hash is InvalidSignatureException', async () => {
    const mismatch = /^The request signature we calculated does not match the signature you provided/;
    expect(await refused(await signed({ secret: 'not-the-secret' }))).toMatchObject({ code: 'InvalidSignatureException', message: expect.stringMatching(mismatch) });
    const tampered = await signed();
    tampered.body = Buffer.from('{"name":"b"}');
    expect((await refused(tampered)).message).toMatch(mismatch);
    const target = await signed();
    target.headers['x-amz-target'] = 'AWSStepFunctions.DeleteActivity';
    expect((await refused(target)).message).toMatch(mismatch);
    const hashed = await signed({ body: '{"name":"b"}' });
    hashed.headers['x-amz-content-sha256'] = createHash('sha256').update('{"name":"b"}').digest('hex');
    hashed.body = Buffer.from('{"name":"b"}').subarray(0, 5);
    expect((await refused(hashed)).code).toBe('InvalidSignatureException');
    // Header names the client chooses: inherited members of the headers object are not headers.
    const inherited = await signed();
    inherited.headers.authorization = String(inherited.headers.authorization).replace('SignedHeaders=', 'SignedHeaders=constructor;__proto__;tostring;');
    expect((await refused(inherited)).message).toMatch(mismatch);
    const noHost = await signed();
    noHost.headers.authorization = String(noHost.headers.authorization).replace('SignedHeaders=', 'SignedHeaders=x-').replace(/SignedHeaders=[^,]*/, 'SignedHeaders=x-amz-date');
    expect((await refused(noHost)).message).toBe("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  });

  test('a credential with a session token needs that token; one without takes none', async () => {
    expect((await refused(await signed({ key: TOKEN_KEY, token: 'another-token' }))).code).toBe('UnrecognizedClientException');
    const missing = await signed({ key: { ...TOKEN_KEY, sessionToken: undefined } as Credential });
    expect((await refused(missing)).code).toBe('UnrecognizedClientException');
    expect((await refused(await signed({ token: 'unexpected' }))).code).toBe('UnrecognizedClientException');
  });
});
