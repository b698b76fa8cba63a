import { SFNServiceException } from '@aws-sdk/client-sfn';
import { expect } from 'vitest';

/**
 * Awaits a call that must fail and checks the AWS error code (the SDK's `name`) and that it is a
 * client fault (HTTP 400). Returns the error for further checks on its message or members.
 */
export async function expectAwsError(call: Promise<unknown>, code: string): Promise<SFNServiceException> {
  let caught: unknown;
  try {
    await call;
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${code}, but the call succeeded`).toBeDefined();
  const err = caught as SFNServiceException;
  expect({ name: err.name, message: err.message }).toMatchObject({ name: code });
  expect(err.$metadata?.httpStatusCode).toBe(400);
  return err;
}

/** Raw AWS JSON 1.0 request, for what the SDK will not send (bad targets, broken bodies). */
export async function rawCall(endpoint: string, target: string | undefined, body: string) {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0' };
  if (target !== undefined) headers['x-amz-target'] = target;
  const res = await fetch(`${endpoint}/`, { method: 'POST', headers, body });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, errorType: res.headers.get('x-amzn-errortype'), requestId: res.headers.get('x-amzn-requestid'), json, text };
}

export const passMachine = (result: unknown = 'ok') => JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: result, End: true } } });
export const waitMachine = (seconds: number) => JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: seconds, End: true } } });

/** An ARN of the right shape in the api's default account and region, naming nothing that exists. */
export const ACCOUNT_SCOPE = 'arn:aws:states:us-east-1:123456789012';

/**
 * A nextToken with its cursor moved but its check left as issued: what a client that edits a
 * token sends. The service must refuse it (InvalidToken), not page from the edited cursor.
 */
export function tamperToken(token: string): string {
  const body = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { c: unknown };
  const c = body.c;
  body.c = typeof c === 'number' ? c + 1 : { ...(c as Record<string, unknown>), o: Number((c as { o?: number }).o ?? 0) + 1 };
  const forged = Buffer.from(JSON.stringify(body)).toString('base64');
  if (forged === token) throw new Error('tamperToken changed nothing');
  return forged;
}
